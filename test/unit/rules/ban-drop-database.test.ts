import { banDropDatabase } from '../../../server/src/engine/rules/all/ban-drop-database';
import { ruleTester } from './tester';

ruleTester(banDropDatabase, {
  valid: ['CREATE DATABASE app;', 'DROP SCHEMA app;', 'ALTER DATABASE app SET timezone TO \'UTC\';', ''],
  invalid: [
    {
      code: 'DROP DATABASE app;',
      errors: [
        { messageId: 'dropDatabase', range: '0:0-0:17', message: 'DROP DATABASE app deletes the whole database with all its data; a migration should never do this.' },
      ],
    },
    {
      name: 'IF EXISTS, WITH (FORCE), quoted name, non-ASCII text before the statement',
      code: '-- “nettoyage” 🧹\nDROP DATABASE IF EXISTS "Prod DB" WITH (FORCE);',
      errors: [
        {
          messageId: 'dropDatabase',
          range: '1:0-1:46',
          message: 'DROP DATABASE "Prod DB" deletes the whole database with all its data; a migration should never do this.',
        },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'DROP DATABASE;\n\nDROP DATABASE app',
      errors: [{ messageId: 'dropDatabase', range: '2:0-2:17' }],
    },
  ],
});
