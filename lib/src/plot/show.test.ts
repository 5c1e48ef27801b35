import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DisplayHandle, MimeBundle } from "../notebook/display";
import { lineChart } from "./line-chart";
import { table } from "./table";
import * as fs from "fs";
import * as zlib from "zlib";
import {
  ensurePlotlyLoaded,
  PLOT_CLASS,
  PLOTLY_BUNDLE_MARKER,
  PLOTLY_LIBRARY_CLASS,
  PLOTLY_MIME,
  plotBundle,
  plotHtml,
  plotlyLibraryHtml,
  plotlyLoaded,
  show,
} from "./show";

interface Sent {
  data: MimeBundle;
  transient: { display_id?: string };
  update: boolean;
}

/** Runs `body` with a fake tslab display writer installed, returning what was displayed. */
function withFakeNotebook(body: () => void): Sent[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's module object, patched by the test
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const sent: Sent[] = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (msg: { data: MimeBundle; transient: { display_id?: string } }, update: boolean) =>
    sent.push({ data: msg.data, transient: msg.transient, update });
  try {
    body();
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
  return sent;
}

test("plotBundle has the plotly JSON, HTML that draws it, and a text summary", () => {
  const fig = lineChart({ name: "loss", y: [2, 1] }, { title: "</script><b>" });
  const b = plotBundle(fig) as Record<string, unknown>;
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.deepEqual((b[PLOTLY_MIME] as { data: unknown }).data, fig.data);
  const htmlText = b["text/html"] as string;
  assert.ok(htmlText.includes(`class="${PLOT_CLASS}"`));
  assert.equal(htmlText.match(/<\/script>/g)?.length, 1, "a title cannot close the script early");
  assert.match(b["text/plain"] as string, /^\[plot "<\/script><b>"\] loss: scatter of 2 points$/);
  const ids = [plotHtml(fig), plotHtml(fig)].map((h) => h.match(/id="([^"]+)"/)?.[1]);
  assert.notEqual(ids[0], ids[1], "every plot gets its own div id");
});

test("the library HTML embeds plotly.js once, compressed, hides AMD define, and never closes its script early", () => {
  const lib = plotlyLibraryHtml();
  assert.ok(lib.length > 1_000_000 && lib.length < 4_000_000, `the compressed bundle is embedded (${lib.length} chars)`);
  assert.ok(lib.includes(`class="${PLOTLY_LIBRARY_CLASS}"`));
  assert.equal(lib.split(PLOTLY_BUNDLE_MARKER).length - 1, 1);
  assert.equal(lib.match(/<\/script/gi)?.length, 1);
  assert.match(lib, /new Function\("define", "module", "exports", code\)\.call\(window, undefined, undefined, undefined\)/);
  // the base64 payload unpacks to the very bundle of plotly.js-dist
  const from = lib.indexOf(`/* ${PLOTLY_BUNDLE_MARKER} */ = "`) + PLOTLY_BUNDLE_MARKER.length + 10;
  const b64 = lib.slice(from, lib.indexOf('"', from));
  assert.match(b64.slice(0, 100), /^H4sI[A-Za-z0-9+/]+$/, "a base64 gzip stream");
  const code = zlib.gunzipSync(Buffer.from(b64, "base64")).toString("utf8");
  assert.equal(code, fs.readFileSync(require.resolve("plotly.js-dist"), "utf8"));
});

test("in a notebook, show sends the library once, before the first plot, and HTML views need none", () => {
  assert.equal(plotlyLoaded(), false);
  const sent = withFakeNotebook(() => {
    show(table([{ a: 1 }]));
    show(lineChart({ name: "a", y: [1, 2] }));
    show(lineChart({ name: "b", y: [3, 4] }));
  });
  assert.equal(sent.length, 4);
  assert.equal(PLOTLY_MIME in sent[0].data, false);
  assert.ok((sent[1].data["text/html"] as string).includes(PLOTLY_LIBRARY_CLASS), "library right before the first plot");
  assert.ok(PLOTLY_MIME in sent[2].data && PLOTLY_MIME in sent[3].data);
  assert.equal(sent.filter((s) => String(s.data["text/html"]).includes(PLOTLY_LIBRARY_CLASS)).length, 1);
  assert.equal(plotlyLoaded(), true);
  const again = withFakeNotebook(() => {
    ensurePlotlyLoaded();
    ensurePlotlyLoaded(true);
  });
  assert.equal(again.length, 1, "only a forced call sends the library a second time");
  assert.ok(String(again[0].data["text/html"]).includes(PLOTLY_BUNDLE_MARKER));
});

test("show into a DisplayHandle creates one output and then updates it in place", () => {
  const handle = new DisplayHandle();
  const sent = withFakeNotebook(() => {
    show(lineChart({ name: "a", y: [1] }), handle);
    show(lineChart({ name: "a", y: [1, 2] }), handle);
  });
  assert.deepEqual(
    sent.map((s) => [s.transient.display_id, s.update]),
    [
      [handle.id, false],
      [handle.id, true],
    ],
  );
});

test("outside a notebook, show prints the text summary", () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    show(lineChart({ name: "loss", y: [1, 2, 3] }));
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["[plot] loss: scatter of 3 points"]);
});

test("show rejects things that are not figures or views, saying what it takes", () => {
  for (const bad of [undefined, null, 3, { shape: [2, 2] }]) {
    assert.throws(
      () => show(bad as unknown as Parameters<typeof show>[0]),
      /show\(\.\.\.\) takes a figure \(from lineChart, heatmap, barChart\)/,
    );
  }
});
