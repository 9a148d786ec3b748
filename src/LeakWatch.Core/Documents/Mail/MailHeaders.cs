namespace LeakWatch.Core.Documents;

/// <summary>Whether a head of bytes starts like an RFC 5322 message: header lines, among them ones only mails have.</summary>
internal static class MailHeaders
{
    private static readonly string[] MailOnly = ["from", "received", "return-path", "message-id", "mime-version", "delivered-to", "x-mailer", "dkim-signature"];
    private static readonly string[] Common = ["to", "cc", "subject", "date", "content-type", "reply-to", "sender", "x-original-to", "content-transfer-encoding", "user-agent"];

    /// <summary>At least three header lines from the very start, two of them known mail headers, one only a mail has.</summary>
    public static bool LooksLikeHeaders(ReadOnlySpan<byte> head)
    {
        var lines = 0;
        var known = 0;
        var mailOnly = false;
        var rest = head;
        while (lines < 64)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0) break;
            var line = rest[..end];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            rest = rest[(end + 1)..];
            if (line.IsEmpty) break;
            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (lines == 0) return false;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0) return false;
            var field = line[..colon];
            foreach (var b in field)
            {
                if (b <= 32 || b >= 127) return false;
            }

            lines++;
            var name = System.Text.Encoding.ASCII.GetString(field).ToLowerInvariant();
            if (Array.IndexOf(MailOnly, name) >= 0)
            {
                known++;
                mailOnly = true;
            }
            else if (Array.IndexOf(Common, name) >= 0)
            {
                known++;
            }
        }

        return lines >= 3 && known >= 2 && mailOnly;
    }
}
