-- Finds the edit events of a message, so that deleting it can blank the bodies its log still holds.
-- Partial and on an expression, which Prisma cannot express in the schema (see prisma/README.md).
CREATE INDEX "ChannelEvent_edited_message_idx" ON "ChannelEvent" ((payload->'data'->>'messageId')) WHERE type = 'messageEdited';
