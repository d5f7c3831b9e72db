// Text files imported with `with { type: 'text' }`: esbuild bundles them as a string, so a browser
// suite can carry the same vector file the Node tests read (see test/browser/fixtures/).
declare module '*.bs.txt' {
  const text: string;
  export default text;
}
