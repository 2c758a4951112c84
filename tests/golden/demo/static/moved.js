// Addresses that earlier versions of sitegen gave pages which are now parts of others
// (docs/urls.md): the change from version N-1 to N, once `<article>/diff/<N-1>-<N>/`, is the
// "What changed" section of `<article>/v<N>/`, and any other pair is on the compare page.
// A static host answers the old address with 404.html, which loads this to go on there.
const old = location.pathname.match(/^(\/(?:[\w.~-]+\/)+)diff\/(\d+)-(\d+)\/(?:index\.html)?$/);
if (old) {
  const [, article, a, b] = old;
  location.replace(Number(b) === Number(a) + 1 ? `${article}v${b}/#changes`
    : `${article}compare/?from=${a}&to=${b}`);
}
