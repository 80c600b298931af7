// SPDX-License-Identifier: GPL-3.0-or-later
// bench/typst14.mjs: Typst 0.14.2 for bench/run.sh, through @myriaddreamin/typst-ts-node-compiler
// 0.7.0 (a Node module; Typst 0.14 has no npm command line). `node bench/typst14.mjs FONTS IN.typ
// OUT.pdf` writes OUT.pdf and prints the milliseconds spent in compile and pdf alone, so that
// the table can show Typst's own time beside the wall time, which adds Node's start and the
// compiler's font scan (done by NodeCompiler.create, outside the timing).
//
// Fonts: the module offers no switch to leave out system fonts, and it always adds the fonts
// built into Typst (Libertinus Serif, New Computer Modern, DejaVu Sans Mono). run.sh sets
// FONTCONFIG_FILE to fonts/fonts.conf, which the module's font scan follows, so the system's
// fonts are not seen; the built-in ones stay, unused, since the document asks for Inter alone
// (pdffonts lists Inter only).
//
// The PDF is tagged (`pdfinfo` says "Tagged: yes"): Typst 0.14 tags by default, as gen does;
// Typst 0.10 wrote untagged PDFs.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';

if (process.argv.length !== 5) {
	console.error('usage: node bench/typst14.mjs FONTS IN.typ OUT.pdf');
	process.exit(2);
}
const [fonts, input, output] = process.argv.slice(2).map((p) => resolve(p));

const compiler = NodeCompiler.create({
	workspace: dirname(input),
	fontArgs: [{ fontPaths: [fonts] }],
});

const start = performance.now();
const result = compiler.compile({ mainFilePath: input });
if (result.hasError()) {
	result.printErrors();
	process.exit(1);
}
const pdf = compiler.pdf(result.result);
const ms = performance.now() - start;

writeFileSync(output, pdf);
console.log(Math.round(ms));
