import { renderPage, type Chrome } from '../components/layout.js';

export function errorPage(status: number, message: string, chrome: Chrome = {}): string {
  return renderPage(`${status}`, chrome, <><h1>{status}</h1><p>{message}</p><p><a href="/">Back to the river</a></p></>);
}
