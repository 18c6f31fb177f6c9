-- The 评价记录 page (issue 15): every filter the page offers, alone or combined, over millions of evaluations, a page
-- at a time in (invited_at, id) order. Each filter with many values (department, window, staff member, service
-- item, a channel other than the windows') leads an index in that order within the value, so that a page is a walk
-- of one index that stops after a page's rows; with none of them, the time's index. The other filters the walk may
-- meet are the key's last columns: a rare level (非常不满意), a rare outcome, or a staff member asked for at a window
-- not theirs is checked on the index entries, never by fetching each row the walk passes, so that a combination with
-- few or no rows costs a walk of that value's entries at most (a period, when given, bounds it further). Each index
-- costs every ingested evaluation an insertion (backlog delivery, bench row 3): these replace the four there were
-- and add two, one of them partial.
DROP INDEX evaluations_by_time;
DROP INDEX evaluations_by_department;
DROP INDEX evaluations_by_staff;
DROP INDEX evaluations_by_window;
CREATE INDEX evaluations_by_time ON evaluations (invited_at, id, satisfaction, outcome);
CREATE INDEX evaluations_by_department ON evaluations (department_code, invited_at, id, satisfaction, outcome, channel);
CREATE INDEX evaluations_by_window
  ON evaluations (window_code, invited_at, id, satisfaction, outcome, channel, department_code, staff_no);
CREATE INDEX evaluations_by_staff
  ON evaluations (staff_no, invited_at, id, satisfaction, outcome, channel, window_code, department_code);
CREATE INDEX evaluations_by_service_item
  ON evaluations (service_item_code, invited_at, id, satisfaction, outcome, channel, department_code, window_code, staff_no);
-- Nine in ten evaluations come from the windows' evaluators: that channel is found by the time's index (nearly every
-- row has it), and only the others, the ones a walk could pass millions of rows looking for, pay for this one.
CREATE INDEX evaluations_by_channel ON evaluations (channel, invited_at, id, satisfaction, outcome)
  WHERE channel <> 'hall_window';

-- A staff member works at a few windows of one department: without this the planner multiplies the staff's and the
-- window's selectivities as if independent, and for "this window, this staff member" expects a handful of rows and
-- reads all of them by bitmap instead of walking the staff's index in order. That walk checks the window and the
-- department in the index (they are in the staff's, the department in the window's), so a staff member asked for
-- at a window or department not theirs costs a walk of their entries, not a fetch of each of their rows.
CREATE STATISTICS evaluations_where_staff_works (dependencies) ON staff_no, window_code, department_code FROM evaluations;
