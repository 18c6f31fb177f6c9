-- The 评价记录 page (issue 15): every filter the page offers, alone or combined, over millions of evaluations, a page
-- at a time in (invited_at, id) order. Each filter with many values leads an index that is in that order within
-- the value, so the page is a walk of one index that stops after a page's rows; the department's and the time's
-- for a handler's departments. The level and the outcome are the key's last columns: rare levels (非常不满意) and
-- rare outcomes are then checked in the index, not by fetching every row the walk passes, and a combination with
-- none costs a walk of the index only. The window's, the staff's and the service item's indexes also hold the channel:
-- a window's or a staff member's evaluations are all of one channel, and asked for another, a walk of their entries
-- answers that there are none. Each index costs every ingested evaluation an insertion (backlog delivery): these
-- replace the four that were, and add two, one of them partial.
DROP INDEX evaluations_by_time;
DROP INDEX evaluations_by_department;
DROP INDEX evaluations_by_staff;
DROP INDEX evaluations_by_window;
CREATE INDEX evaluations_by_time ON evaluations (invited_at, id, satisfaction, outcome);
CREATE INDEX evaluations_by_department ON evaluations (department_code, invited_at, id, satisfaction, outcome);
CREATE INDEX evaluations_by_window ON evaluations (window_code, invited_at, id, satisfaction, outcome, channel);
CREATE INDEX evaluations_by_staff ON evaluations (staff_no, invited_at, id, satisfaction, outcome, channel);
CREATE INDEX evaluations_by_service_item ON evaluations (service_item_code, invited_at, id, satisfaction, outcome, channel);
-- Nine in ten evaluations come from the windows' evaluators: that channel is found by the time's index (nearly every
-- row has it), and only the others, the ones a walk could pass millions of rows looking for, pay for this one.
CREATE INDEX evaluations_by_channel ON evaluations (channel, invited_at, id, satisfaction, outcome)
  WHERE channel <> 'hall_window';

-- A staff member works at a few windows of one department: without this the planner multiplies the staff's and the
-- window's selectivities as if independent, and for "this window, this staff member" expects a handful of rows and
-- reads all of them by bitmap instead of walking the staff's index in order.
CREATE STATISTICS evaluations_where_staff_works (dependencies) ON staff_no, window_code, department_code FROM evaluations;
