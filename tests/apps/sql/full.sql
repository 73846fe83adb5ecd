-- More rows: a generated table through a recursive CTE, indexes, self-joins, window-free aggregates,
-- savepoints, constraint errors, and a rolled-back bulk update.
CREATE TABLE n (i INTEGER PRIMARY KEY, sq INTEGER, parity TEXT, digits TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
  INSERT INTO n SELECT x, x * x, CASE x % 2 WHEN 0 THEN 'even' ELSE 'odd' END, CAST(x AS TEXT) FROM c;
CREATE INDEX n_parity ON n(parity, sq);
CREATE UNIQUE INDEX n_digits ON n(digits);
SELECT parity, count(*), sum(sq), min(i), max(i), total(i) / count(*) FROM n GROUP BY parity ORDER BY parity;
SELECT a.i, b.i FROM n a JOIN n b ON b.sq = a.i WHERE a.i BETWEEN 100 AND 200 ORDER BY a.i;
SELECT length(digits), count(*) FROM n GROUP BY length(digits) ORDER BY 1;
SELECT count(*) FROM n WHERE digits LIKE '%7%' AND parity = 'odd';
SELECT substr(group_concat(digits, ''), 1, 40) FROM (SELECT digits FROM n WHERE i % 97 = 0 ORDER BY i DESC);
BEGIN;
UPDATE n SET sq = 0 WHERE parity = 'even';
SAVEPOINT s1;
DELETE FROM n WHERE i > 1000;
SELECT count(*), sum(sq) FROM n;
ROLLBACK TO s1;
SELECT count(*), sum(sq) FROM n;
ROLLBACK;
SELECT count(*), sum(sq) FROM n;
INSERT INTO n VALUES (5, 25, 'odd', '5');
INSERT INTO n VALUES (3000, 9000000, 'even', '17');
SELECT printf('%08.3f|%5d|%-5s|%x', 3.14159, 42, 'ab', 255), hex('bareflow'), upper('sqlite'), typeof(1.5), 7 / 2, 7 % 3;
SELECT i FROM n WHERE sq > 3990000 ORDER BY i;
