import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A member may work in several stores: one row per (member, store), from staff.store_id.
  await sql`
    CREATE TABLE staff_store (
      staff_id uuid NOT NULL REFERENCES staff(id),
      store_id uuid NOT NULL REFERENCES store(id),
      PRIMARY KEY (staff_id, store_id)
    )`.execute(db)
  await sql`CREATE INDEX staff_store_store_idx ON staff_store (store_id)`.execute(db)
  await sql`INSERT INTO staff_store (staff_id, store_id) SELECT id, store_id FROM staff WHERE store_id IS NOT NULL`.execute(
    db,
  )
  await sql`ALTER TABLE staff DROP CONSTRAINT staff_store_scope`.execute(db)
  await sql`ALTER TABLE staff DROP COLUMN store_id`.execute(db)

  // The rule the dropped CHECK held, now across two tables: admins belong to no store, everyone
  // else to at least one. Deferred to the commit, so a member and their stores can be written in
  // either order within one transaction.
  await sql`
    CREATE FUNCTION comptoir_check_staff_stores() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      -- Through jsonb because the two tables name the member in different columns.
      changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
      member uuid := (changed ->> CASE WHEN TG_TABLE_NAME = 'staff' THEN 'id' ELSE 'staff_id' END)::uuid;
    BEGIN
      IF EXISTS (SELECT 1 FROM staff AS s WHERE s.id = member
                   AND (s.role = 'ADMIN') = EXISTS (SELECT 1 FROM staff_store AS m WHERE m.staff_id = s.id)) THEN
        RAISE EXCEPTION 'staff % : admins have no store, other roles at least one', member
          USING ERRCODE = '23514', CONSTRAINT = 'staff_store_scope';
      END IF;
      RETURN NULL;
    END
    $$`.execute(db)
  await sql`
    CREATE CONSTRAINT TRIGGER staff_store_scope AFTER INSERT OR UPDATE OF role ON staff
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION comptoir_check_staff_stores()`.execute(db)
  await sql`
    CREATE CONSTRAINT TRIGGER staff_store_scope AFTER INSERT OR UPDATE OR DELETE ON staff_store
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION comptoir_check_staff_stores()`.execute(db)

  // An invited member has no password until they set one through their link: nothing to sign in with.
  await sql`ALTER TABLE staff ALTER COLUMN password_hash DROP NOT NULL`.execute(db)

  // One-time links to set a password. Only the SHA-256 of the link's secret is kept; the row id
  // travels in the link beside it, so the check is a primary-key read and a constant-time compare.
  await sql`
    CREATE TABLE staff_password_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      staff_id uuid NOT NULL REFERENCES staff(id),
      purpose text NOT NULL CHECK (purpose IN ('INVITE', 'RESET')),
      secret_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX staff_password_token_staff_idx ON staff_password_token (staff_id)`.execute(db)

  // The notification outbox carries these links too. The clear secret waits in link_secret only
  // while the message is PENDING: the dispatcher wipes it with the outcome, and the CHECK holds it so.
  await sql`ALTER TABLE notification ALTER COLUMN order_id DROP NOT NULL`.execute(db)
  await sql`ALTER TABLE notification ADD COLUMN password_token_id uuid UNIQUE REFERENCES staff_password_token(id)`.execute(
    db,
  )
  await sql`ALTER TABLE notification ADD COLUMN link_secret text`.execute(db)
  await sql`ALTER TABLE notification DROP CONSTRAINT notification_kind_check`.execute(db)
  await sql`
    ALTER TABLE notification
      ADD CONSTRAINT notification_kind_check CHECK (kind IN ('ORDER_READY', 'STAFF_INVITE', 'STAFF_PASSWORD_RESET')),
      ADD CONSTRAINT notification_about_one CHECK ((order_id IS NULL) <> (password_token_id IS NULL)),
      ADD CONSTRAINT notification_link_while_pending CHECK (link_secret IS NULL OR status = 'PENDING')`.execute(db)
}
