// `npm start` runs this first (prestart): the bridge needs the Cloud Run runtime's Node major, and an
// older one fails later with errors that do not say why. Plain ES5 so that any old node can run it.
var major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    'This needs Node 24 or newer; this is Node ' + process.versions.node + '.\n' +
      'Run `. scripts/ensure-node.sh` in this shell (it installs Node 24 into .tools/ from the npm registry), then `npm start` again.\n',
  );
  process.exit(1);
}
