using System.Globalization;
using System.Text;
using MimeKit;

namespace LeakWatch.Core.Documents.Mail;

/// <summary>
/// An .eml message or an mbox of them, read with MimeKit: each message gives its headers (who wrote to whom, the
/// subject) as one text leaf, each text body as another (HTML bodies stay HTML), and each attachment goes back to the
/// unpacker (a zip, a spreadsheet, a PDF attached is opened with the same limits). A message larger than
/// <see cref="UnpackLimits.MaxBufferedArchiveBytes"/> is not read past that point: MimeKit holds one message in memory.
/// </summary>
internal sealed class MailReader(UnpackSession session, Action<TextLeafStream> emitText, Action<Stream, string, long> visitAttachment)
{
    // Every header is read (a custom X-Patient-... header or a pasted form that starts like a mail may hold people),
    // except the machine-made ones: signatures and MIME structure only cost matching time.
    private static readonly HashSet<string> MachineHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "DKIM-Signature", "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "Authentication-Results",
        "Received-SPF", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
    };

    public void Read(Stream input, string name, bool mbox, int depth)
    {
        var budget = new MessageBudgetStream(input, session.Limits.MaxBufferedArchiveBytes);
        var parser = new MimeParser(budget, mbox ? MimeFormat.Mbox : MimeFormat.Entity, persistent: false);
        parser.MimeMessageBegin += (_, e) =>
        {
            if (e.Parent is null) budget.MessageStart = e.BeginOffset;
        };
        var number = 0;
        var delivered = false;
        try
        {
            do
            {
                session.CancellationToken.ThrowIfCancellationRequested();
                if (session.Exhausted) return;
                var message = parser.ParseMessage(session.CancellationToken);
                number++;
                if (mbox && ++session.Entries > session.Limits.MaxEntries)
                {
                    session.Exhausted = true;
                    session.Skip(name, $"more than {session.Limits.MaxEntries} entries: the rest was not read", partial: true);
                    return;
                }

                Message(message, mbox ? name + "!" + number.ToString(CultureInfo.InvariantCulture) : name, depth);
                delivered = true;
            }
            while (mbox && !parser.IsEndOfStream);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && UnpackRefusedException.Find(ex) is null)
        {
            var reason = ex is MessageTooLargeException ? ex.Message : $"corrupt or unsupported mail ({ex.GetType().Name})";
            session.Skip(name, reason, partial: delivered);
        }
    }

    private void Message(MimeMessage message, string name, int depth)
    {
        var headers = new StringBuilder();
        foreach (var header in message.Headers)
        {
            if (MachineHeaders.Contains(header.Field)) continue;
            headers.Append(header.Field).Append(": ").Append(header.Value).Append('\n');
        }

        using (var leaf = new StringText(session, name + "!headers", headers.ToString())) emitText(leaf);

        var part = 0;
        foreach (var entity in message.BodyParts)
        {
            if (session.Exhausted) return;
            part++;
            switch (entity)
            {
                case MessagePart { Message: { } inner } attached:
                    if (depth + 1 >= session.Limits.MaxDepth)
                    {
                        session.Skip(name, $"archive nested deeper than {session.Limits.MaxDepth} levels");
                        continue;
                    }

                    Message(inner, name + "!" + EntryName(attached.ContentDisposition?.FileName, "message", part), depth + 1);
                    break;
                case TextPart text when !text.IsAttachment:
                    var extension = text.IsHtml ? ".html" : ".txt";
                    using (var leaf = new StringText(session, name + "!body" + part.ToString(CultureInfo.InvariantCulture) + extension, text.Text ?? "")) emitText(leaf);
                    break;
                case MimePart { Content: { } content } attachment:
                    if (++session.Entries > session.Limits.MaxEntries)
                    {
                        session.Exhausted = true;
                        session.Skip(name, $"more than {session.Limits.MaxEntries} entries: the rest was not read", partial: true);
                        return;
                    }

                    using (var decoded = content.Open())
                    {
                        visitAttachment(decoded, name + "!" + EntryName(attachment.FileName, "attachment", part), Math.Max(1, content.Stream?.Length ?? 1));
                    }

                    break;
            }
        }
    }

    private static string EntryName(string? fileName, string fallback, int index)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return fallback + index.ToString(CultureInfo.InvariantCulture);
        var clean = new string(fileName.Select(c => char.IsControl(c) || c is '!' or '\\' ? '_' : c).ToArray());
        return clean.Length <= 200 ? clean : clean[..200];
    }

    private sealed class MessageTooLargeException(string message) : IOException(message);

    /// <summary>Stops MimeKit from buffering a message larger than the budget.</summary>
    private sealed class MessageBudgetStream(Stream inner, long budget) : ReadOnlyForwardStream
    {
        private long _read;

        public long MessageStart { get; set; }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _read += n;
            if (_read - MessageStart > budget + (1 << 20))
                throw new MessageTooLargeException($"a message larger than {budget} bytes: not read past there");
            return n;
        }
    }
}

/// <summary>A text already in memory (a mail body, its headers) handed over as a leaf.</summary>
internal sealed class StringText(UnpackSession session, string name, string text) : TextLeafStream(session, name)
{
    private int _position;

    protected override bool Produce(StringBuilder output)
    {
        if (_position >= text.Length) return false;
        var n = Math.Min(16 * 1024, text.Length - _position);
        // Keep a surrogate pair whole.
        if (n < text.Length - _position && char.IsHighSurrogate(text[_position + n - 1])) n++;
        output.Append(text, _position, n);
        _position += n;
        return true;
    }
}
