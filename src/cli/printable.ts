// Text from a site (file and folder names, netlify.toml values, redirect rules) reaches the
// terminal only through `printable`: a cloned repository chooses those names, and a raw ESC, CR or
// bidi override in one could erase lines, move the cursor or reorder what the user reads (a fake
// "Next: … | sh"). Control and bidi characters are shown as visible escapes instead.

// C0 controls and DEL, C1 controls, the Arabic letter mark, LRM/RLM, the line and paragraph
// separators, the bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * The text with every control and bidi character shown as an escape (`\x1b`, `\u202e`).
 *
 * @example
 * printable('a\u001b[2Kb') // 'a\\x1b[2Kb'
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0)
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`
  })
}
