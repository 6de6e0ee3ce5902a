import * as esbuild from 'esbuild';
const entry = process.argv[2] ?? 'lambdas/processor/handler.ts';
const r = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, metafile: true, write: false, external: ['@aws-sdk/*'], alias: {'adm-zip': './lambdas/shared/clients/adm-zip-unsupported-shim.cjs'}, outfile: '/tmp/out.mjs',
 banner: {js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);"} });
const out = Object.values(r.metafile.outputs)[0];
console.log('total', out.bytes);
const byPkg = {};
for (const [f, v] of Object.entries(out.inputs)) { byPkg[f]=(byPkg[f]||0)+v.bytesInOutput; }
for (const [k,v] of Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,60)) console.log(String(v).padStart(8), k);
