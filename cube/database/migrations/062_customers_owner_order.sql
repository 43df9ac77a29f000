-- A team role's churn list in its order (issue 19, docs/performance.md "The
-- churn and LTV lists on the classification"): the list is a staff member's
-- or a manager's customers in customer-id order. With the owner index alone
-- PostgreSQL either walked the brand's primary key and dropped every other
-- owner's customer (a staff member's page: 106,000 rows read for 50 at
-- 200,000 customers, 56 ms, growing with the brand) or fetched each owned
-- customer's heap row to sort them. With the customer id beside the owner,
-- one owner's customers come from the index in the list's order and a
-- team's from an index-only scan per owner. It replaces the owner index
-- (same leading column), so a write keeps one index, not two; it is larger
-- (4.5 MB against 1.4 MB at 200,000 customers: the owner alone was
-- deduplicated).
CREATE INDEX customers_owner_order_idx ON siyu.customers (owner_employee_id, id);
DROP INDEX siyu.customers_owner_idx;
