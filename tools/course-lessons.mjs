// The course's lesson files, parsed, in course order: the order of `SOURCES` in the model's lesson.rs, which
// the app and `kafka-model lessons` follow too.
import { readFileSync } from 'node:fs';

export const LESSONS = [...readFileSync('crates/model/src/lesson.rs', 'utf8').matchAll(/include_str!\("\.\.\/lessons\/([\w-]+)\.json"\)/g)]
  .map(([, id]) => JSON.parse(readFileSync(`crates/model/lessons/${id}.json`, 'utf8')));
