-- open.cx: the CSV export fixes its header before its first row, and it must have the columns a
-- page of every contact has. Besides customData's keys (`contact_keys`), two kinds of contact
-- add columns; these indexes list just those contacts, so the export reads them without a pass
-- over all the others.
-- Contacts with http_action_overrides: their dictionaries' keys are columns
-- (`http_action_overrides.query_params.<key>`, …), read from each contact in page order.
CREATE INDEX contacts_with_overrides ON contacts (created_at, id)
WHERE http_action_overrides IS NOT NULL;

-- Contacts whose customData is not an object (an array or a scalar, stored by hand): such a
-- value is one `customData` column, so one of them is enough.
CREATE INDEX contacts_custom_data_not_object ON contacts (id)
WHERE json_type(custom_data) NOT IN ('object', 'null');
