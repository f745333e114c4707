-- Profile status emoji, default channels for new accounts (#general out of the box) and pinned messages.

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "isDefault" BOOLEAN NOT NULL DEFAULT false;

-- The workspace made by the first start has #general: new accounts join it, as before this setting existed.
UPDATE "Channel" SET "isDefault" = true WHERE "kind" = 'public' AND "name" = 'general';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "statusEmoji" TEXT;

-- CreateTable
CREATE TABLE "Pin" (
    "messageId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "pinnedById" UUID NOT NULL,
    "pinnedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Pin_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "Pin_channelId_pinnedAt_idx" ON "Pin"("channelId", "pinnedAt");

-- AddForeignKey
ALTER TABLE "Pin" ADD CONSTRAINT "Pin_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pin" ADD CONSTRAINT "Pin_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
