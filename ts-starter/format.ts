/** Keeps an error detail to the single line the starter prints it on. */
export function oneLine(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}
