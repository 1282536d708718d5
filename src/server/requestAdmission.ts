/**
 * Lets at most `perTurn` requests start their work in one turn of the event loop; the rest
 * start in the next turns, first come first served.
 *
 * Why: Node takes in one new connection per event-loop turn (measured: under load from 32
 * busy keep-alive connections, 32 new ones were accepted ~53 ms apart, one per turn, on a
 * plain `http` server too). A turn that serves every waiting request therefore makes a new
 * connection wait behind all of them, turn after turn: at 64 connections the river's p99
 * was set by the connections of a burst (first answers up to 3–4 s). Short turns admit new
 * connections every few milliseconds at the same throughput.
 */
export function requestAdmission(perTurn: number): () => Promise<void> | undefined {
  let started = 0;
  let armed = false;
  const waiting: Array<() => void> = [];
  const arm = () => {
    if (armed || (waiting.length === 0 && started === 0)) return;
    armed = true;
    setImmediate(turn);
  };
  const turn = () => {
    armed = false;
    started = 0;
    while (waiting.length > 0 && started < perTurn) {
      started++;
      waiting.shift()!();
    }
    arm();
  };
  /** Undefined when the request may start now; else a promise that settles on its turn. */
  return () => {
    if (waiting.length === 0 && started < perTurn) {
      started++;
      arm();
      return undefined;
    }
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      arm();
    });
  };
}
