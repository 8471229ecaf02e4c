// The one text-matching rule of every search (Connected users, GET /presence, the Users table).

/**
 * Diacritics as NFKD writes them apart: the Combining Diacritical Marks blocks (and their
 * extensions, supplement, for symbols, half marks). Marks that are letters' vowels or voicing in
 * other scripts (Devanagari, Thai, kana's ゛) are kept: stripping them would make different words
 * equal.
 */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Lower-case letters that neither decompose nor lower to their base letter. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: "ss",
  ı: "i",
  ς: "σ",
  ø: "o",
  ł: "l",
  đ: "d",
  æ: "ae",
  œ: "oe",
};
const SPECIAL = /[ßıςøłđæœ]/g;
const HAS_SPECIAL = /[ßıςøłđæœ]/;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The form every search compares: NFKD (full-width and compatibility forms to their plain
 * letters, accents apart), diacritics removed, lower case by Unicode's default mapping, then ß →
 * ss, ı → i, final ς → σ, ø → o, ł → l, đ → d, æ → ae, œ → oe. So "nunez" finds "José Ñúñez",
 * "istanbul" "İstanbul", "strasse" "Straße", "οδυσσευς" "ΟΔΥΣΣΕΥΣ"; CJK is unchanged.
 */
export function foldText(text: string): string {
  // ASCII is its own NFKD form: most names, emails and paths take this path.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  // No letter lowers to one with a diacritic apart: İ (the one that would) is I + U+0307 by now.
  const lower = text.normalize("NFKD").replace(DIACRITICS, "").toLowerCase();
  return HAS_SPECIAL.test(lower)
    ? lower.replace(SPECIAL, (letter) => LETTERS[letter] ?? letter)
    : lower;
}

/**
 * A search's needle: the query folded and trimmed; "" (matches everyone) for a blank query.
 */
export function searchNeedle(query: string): string {
  return foldText(query.trim());
}

/** Whether any of the already folded `texts` contains the needle (see searchNeedle). */
export function matchesNeedle(needle: string, ...texts: string[]): boolean {
  if (needle === "") return true;
  for (const text of texts) if (text.includes(needle)) return true;
  return false;
}
