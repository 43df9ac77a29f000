-- The repurchase drill list of a preset range from stored rows (issue 19,
-- docs/performance.md "The repurchase list from stored rows"). Its customers
-- are siyu.drill_sales' rows of the range (migration 029: a customer with a
-- paid order in the range), its numerator those with two or more paid
-- orders there: exactly the repurchase measure's buyers and repeat buyers,
-- whose counts siyu.period_owners (migration 027) holds for the tile.
--
-- The list is ordered by the customer id and shows whether the customer is
-- a repeat buyer, so Cube's GROUP BY (customer, paid orders) follows these
-- two indexes from the range's top, however deep the page: every buyer, and
-- (partial) the repeat buyers only. No trigger: the rows are migration 029's.
CREATE INDEX drill_sales_customer_idx ON siyu.drill_sales (period, customer_id, paid_orders);
CREATE INDEX drill_sales_repeat_idx ON siyu.drill_sales (period, customer_id, paid_orders) WHERE paid_orders >= 2;
