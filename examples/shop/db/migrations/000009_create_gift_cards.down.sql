-- Its up file was deleted (or never committed): golang-migrate cannot run version 9 up.
DROP TABLE gift_cards;
