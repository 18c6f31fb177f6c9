-- One invitation open at a time, and it is the newest: a new one opens only when none is open, and an ended one
-- never reopens. The open invitation is found as the last row (InvitationRepo.open), so the partial unique index
-- that kept "one open" goes: it was one more page written, and fsynced, with every invitation and every rating
-- (docs/performance.md, row 1). These triggers keep the same guarantee in the database, at no page written.
DROP INDEX invitations_one_open;

CREATE TRIGGER invitations_one_open BEFORE INSERT ON invitations
  WHEN (SELECT state FROM invitations ORDER BY rowid DESC LIMIT 1) = 'open'
BEGIN
  SELECT RAISE(ABORT, 'another invitation is still open');
END;

CREATE TRIGGER invitations_never_reopen BEFORE UPDATE OF state ON invitations
  WHEN NEW.state = 'open' AND OLD.state <> 'open'
BEGIN
  SELECT RAISE(ABORT, 'an ended invitation stays ended');
END;
