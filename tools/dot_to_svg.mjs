// DOT -> SVG with Graphviz's WebAssembly build (@viz-js/viz from npm), at build time only.
// Reads a JSON array of DOT texts on stdin; writes a JSON array of SVG texts to stdout.
// One process renders every diagram of a build, so Node and the WebAssembly start only once.
// Exits 1 with Graphviz's messages on stderr if any graph fails.
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const dots = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const viz = await instance();
const svgs = [];
for (const dot of dots) {
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    for (const error of result.errors) console.error(`graphviz: ${error.level}: ${error.message}`);
    process.exit(1);
  }
  svgs.push(result.output);
}
process.stdout.write(JSON.stringify(svgs));
