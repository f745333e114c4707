-- CreateEnum
CREATE TYPE "ChannelCreators" AS ENUM ('members', 'admins');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "channelCreators" "ChannelCreators" NOT NULL DEFAULT 'members',
ADD COLUMN     "guestsCanStartDms" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "icon" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "retentionDays" INTEGER;

-- The retention job finds old messages by creation time.
CREATE INDEX "Message_createdAt_idx" ON "Message"("createdAt");
