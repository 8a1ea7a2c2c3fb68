-- A cart is read and written whole and holds at most cart.MaxItems items: one JSON
-- array, not a row per item.
CREATE TABLE carts (
    user_id uuid  PRIMARY KEY,
    items   jsonb NOT NULL
);
