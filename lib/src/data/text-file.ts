/**
 * `textFile(path)`: any UTF-8 text a student brings (their own poems, a book from Project Gutenberg).
 * Missing, empty, binary and non-UTF-8 files get an error that says what is wrong.
 *
 * ```ts
 * const text = textFile("my-poems.txt");           // relative to the notebook's folder
 * const lines = textLines("my-names.txt");         // one item per line, blank lines dropped
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as fs from "fs";
import * as path from "path";

/** Reads a UTF-8 text file; a byte-order mark is removed and `\r\n` becomes `\n`. */
export function textFile(file: string): string {
  const abs = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`textFile: no file at ${abs}. Check the name; a relative path starts in ${process.cwd()}.`, { cause: err });
    if (code === "EISDIR") throw new Error(`textFile: ${abs} is a folder; give the path of a text file inside it.`, { cause: err });
    throw new Error(`textFile: cannot read ${abs}: ${(err as Error).message}`, { cause: err });
  }
  if (bytes.length === 0) throw new Error(`textFile: ${abs} is empty; a language model needs some text to learn from.`);
  if (bytes.includes(0)) {
    throw new Error(`textFile: ${abs} looks binary (it contains NUL bytes). Give a plain UTF-8 text file (.txt), not a PDF, image or document.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`textFile: ${abs} is not valid UTF-8. Save it as UTF-8 text (most editors offer "Save with encoding").`);
  }
  text = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.trim() === "") throw new Error(`textFile: ${abs} holds only whitespace; a language model needs some text to learn from.`);
  return text;
}

/** The non-blank lines of a UTF-8 text file, trimmed: for one-item-per-line corpora. */
export function textLines(file: string): string[] {
  return textFile(file)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
