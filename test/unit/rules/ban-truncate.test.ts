import { banTruncate } from '../../../server/src/engine/rules/all/ban-truncate';
import { ruleTester } from './tester';

ruleTester(banTruncate, {
  valid: ['DELETE FROM sessions WHERE expires_at < now();', "SELECT 'TRUNCATE users';", '-- TRUNCATE users;', ''],
  invalid: [
    {
      code: 'TRUNCATE users;',
      errors: [{ messageId: 'truncate', range: '0:0-0:14', message: 'TRUNCATE users deletes every row; a down migration cannot bring them back.' }],
    },
    {
      name: 'TABLE, ONLY, several tables, RESTART IDENTITY: no CASCADE',
      code: 'TRUNCATE TABLE ONLY app.users, sessions RESTART IDENTITY;',
      errors: [{ messageId: 'truncate', range: '0:0-0:56', message: 'TRUNCATE app.users, sessions deletes every row; a down migration cannot bring them back.' }],
    },
    {
      name: 'CASCADE, non-ASCII text before the statement',
      code: "SELECT 'ça 🚀';\nTRUNCATE \"Bestellungen€\" CASCADE;",
      errors: [
        {
          messageId: 'truncateCascade',
          range: '1:0-1:32',
          message:
            'TRUNCATE "Bestellungen€" CASCADE deletes every row of these tables and of every table that references them by foreign key; a down migration cannot bring them back.',
        },
      ],
    },
    {
      name: 'after a syntax error earlier in the file',
      code: 'TRUNCATE;\nTRUNCATE users',
      errors: [{ messageId: 'truncate', range: '1:0-1:14' }],
    },
  ],
});
