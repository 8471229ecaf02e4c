// What a PDF that Chromium printed holds: its pages (as pdf.js reads them, and as page objects
// in the file) and its text, page by page.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfContent {
  /** Pages as pdf.js counts them. */
  pages: number;
  /** `/Type /Page` objects in the file (not `/Pages`, the tree above them). */
  pageObjects: number;
  /** Each page's text, its pieces joined by spaces. */
  texts: string[];
}

export async function readPdf(bytes: Buffer): Promise<PdfContent> {
  const pageObjects = bytes.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  const document = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  try {
    const texts: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent();
      texts.push(
        content.items
          .map((item) => ("str" in item ? item.str : ""))
          .join(" ")
          .replace(/\s+/g, " "),
      );
    }
    return { pages: document.numPages, pageObjects, texts };
  } finally {
    await document.destroy();
  }
}
