-- Tables, an index, a join, aggregates, a transaction rolled back and one committed, an error.
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, born INTEGER);
CREATE TABLE book (id INTEGER PRIMARY KEY, author INTEGER REFERENCES author(id), title TEXT, year INTEGER, pages INTEGER);
CREATE INDEX book_year ON book(year);
INSERT INTO author(name, born) VALUES ('Austen', 1775), ('Dickens', 1812), ('Eliot', 1819), ('Hardy', 1840);
INSERT INTO book(author, title, year, pages) VALUES
  (1, 'Pride and Prejudice', 1813, 432), (1, 'Emma', 1815, 474), (1, 'Persuasion', 1817, 249),
  (2, 'Bleak House', 1853, 1017), (2, 'Great Expectations', 1861, 544), (2, 'Hard Times', 1854, 352),
  (3, 'Middlemarch', 1871, 880), (3, 'Silas Marner', 1861, 183), (4, 'Jude the Obscure', 1895, 496);
SELECT a.name, count(*), sum(b.pages), min(b.year), max(b.year) FROM author a JOIN book b ON b.author = a.id
  GROUP BY a.id ORDER BY sum(b.pages) DESC;
SELECT title, year FROM book WHERE year BETWEEN 1850 AND 1870 ORDER BY year, title;
SELECT name FROM author WHERE id NOT IN (SELECT author FROM book WHERE pages > 500) ORDER BY name;
BEGIN;
DELETE FROM book WHERE author = 2;
UPDATE author SET born = 0;
SELECT count(*), sum(born) FROM book, author WHERE book.author = author.id;
ROLLBACK;
SELECT count(*), sum(born) FROM book, author WHERE book.author = author.id;
BEGIN;
INSERT INTO author(name, born) VALUES ('Bronte', 1816);
INSERT INTO book(author, title, year, pages) VALUES (last_insert_rowid(), 'Jane Eyre', 1847, 507);
COMMIT;
INSERT INTO author(name, born) VALUES ('Austen', 1900);
SELECT group_concat(name, ','), avg(born) FROM (SELECT name, born FROM author ORDER BY name);
SELECT year / 10 * 10 AS decade, count(*), round(avg(pages), 2) FROM book GROUP BY decade HAVING count(*) > 1 ORDER BY decade;
EXPLAIN QUERY PLAN SELECT title FROM book WHERE year = 1861;
