// Reported by verify (PGlite tests: test/unit/verify/*.db.test.ts); here: registration, severities, suppressions.
import { verifyRuleContract } from './verify-rule-contract';

verifyRuleContract('verify-data-loss', 'error');
