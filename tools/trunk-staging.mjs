// What Trunk's post-build hooks share: the folder the build is staged in, and every file under it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The staging folder Trunk names; a hook run any other way stops, saying so under its own `name`. */
export function stagingDir(name) {
  const staging = process.env.TRUNK_STAGING_DIR;
  if (!staging) {
    console.error(`${name}: TRUNK_STAGING_DIR is not set (run me from a Trunk hook)`);
    process.exit(1);
  }
  return staging;
}

export function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
