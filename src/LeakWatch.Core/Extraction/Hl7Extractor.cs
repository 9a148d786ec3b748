using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// HL7 v2 messages: one record per PID segment. Positions follow HL7 2.5 and IHE PAM France: PID-3 identifiers (an
/// INS, OID 1.2.250.1.213.1.4.8 to .11, is a NIR), PID-5 names by name type (L legal = birth name, D display = usage
/// name in PAM France), PID-7 birth date, PID-11 address, PID-13/14 phones and email, PID-19 SSN (older French feeds
/// put the NIR there). Separators come from MSH; escape sequences are decoded.
/// </summary>
internal sealed class Hl7Extractor : IRecordExtractor
{
    private static readonly string[] NirOids = ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"];

    private readonly SegmentFields _out = new();

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var cursor = new TextCursor(text, maxChars: 1024 * 1024, initialChars: 64 * 1024);
        var delimiters = SegmentDelimiters.Hl7Default;
        var segments = 0;
        while (cursor.TryReadLine(out var line, out var offset, out var number))
        {
            // MLLP framing (VT before a message, FS after) may survive in dumps of interface logs.
            var start = line.IndexOfAnyExcept('\u000B', '\u001C', ' ');
            if (start < 0) continue;
            var segment = line[start..];
            if (segment.StartsWith("MSH") || segment.StartsWith("FHS") || segment.StartsWith("BHS"))
            {
                delimiters = SegmentDelimiters.FromHl7Header(segment);
            }
            else if (segment.Length > 4 && segment.StartsWith("PID") && segment[3] == delimiters.Field)
            {
                context.BeginRecord(writer, offset + start, number);
                WritePid(segment, delimiters, writer);
                writer.EndRecord();
            }

            if ((++segments & 0x3FF) == 0) context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void WritePid(ReadOnlySpan<char> segment, SegmentDelimiters d, RecordWriter writer)
    {
        var fields = segment;
        for (var n = 0; !fields.IsEmpty || n == 0; n++)
        {
            var end = fields.IndexOf(d.Field);
            var field = end < 0 ? fields : fields[..end];
            fields = end < 0 ? default : fields[(end + 1)..];
            if (n == 0 || field.IsEmpty) continue;

            foreach (var repetition in field.Split(d.Repetition))
            {
                var value = field[repetition];
                switch (n)
                {
                    case 2 or 4 or 18:
                        _out.Add(writer, d, SegmentFields.Component(value, d, 0), FieldHint.Identifier);
                        break;
                    case 3:
                        _out.Add(writer, d, SegmentFields.Component(value, d, 0), IsNir(value, d) ? FieldHint.Nir : FieldHint.Identifier);
                        break;
                    case 5:
                        WriteName(writer, d, value);
                        break;
                    case 6 or 8 or 23:
                        _out.AddAll(writer, d, value, FieldHint.Other);
                        break;
                    case 7:
                        _out.Add(writer, d, SegmentFields.CompactDate(SegmentFields.Component(value, d, 0)), FieldHint.BirthDate);
                        break;
                    case 11:
                        _out.WriteAddress(writer, d, value, postalCodeComponent: 4);
                        break;
                    case 13 or 14:
                        WriteTelecom(writer, d, value);
                        break;
                    case 19:
                        _out.Add(writer, d, value, FieldHint.Nir);
                        break;
                }
            }
        }
    }

    /// <summary>XPN: family (its first subcomponent is the surname), given, further given names, suffix, prefix, degree, type.</summary>
    private void WriteName(RecordWriter writer, SegmentDelimiters d, ReadOnlySpan<char> name)
    {
        var family = SegmentDelimiters.Piece(SegmentFields.Component(name, d, 0), d.Subcomponent, 0);
        var hint = SegmentFields.Component(name, d, 6) switch
        {
            "L" or "M" or "B" => FieldHint.BirthName,
            "D" or "P" => FieldHint.UsageName,
            "S" => FieldHint.Other,
            _ => FieldHint.LastName,
        };
        _out.Add(writer, d, family, hint);
        _out.Add(writer, d, SegmentFields.Component(name, d, 1), hint == FieldHint.Other ? FieldHint.Other : FieldHint.FirstName);
        _out.Add(writer, d, SegmentFields.Component(name, d, 2), hint == FieldHint.Other ? FieldHint.Other : FieldHint.FirstName);
        _out.Add(writer, d, SegmentFields.Component(name, d, 4), FieldHint.Other);
    }

    /// <summary>XTN: formatted number, use, equipment, email, country, area, local number, ..., unformatted number (12th).</summary>
    private void WriteTelecom(RecordWriter writer, SegmentDelimiters d, ReadOnlySpan<char> telecom)
    {
        _out.Add(writer, d, SegmentFields.Component(telecom, d, 0), FieldHint.Phone);
        _out.Add(writer, d, SegmentFields.Component(telecom, d, 3), FieldHint.Email);
        var area = SegmentFields.Component(telecom, d, 5);
        var local = SegmentFields.Component(telecom, d, 6);
        if (!local.IsEmpty)
        {
            Span<char> joined = stackalloc char[Math.Min(64, area.Length + local.Length)];
            var n = 0;
            foreach (var c in area) if (n < joined.Length) joined[n++] = c;
            foreach (var c in local) if (n < joined.Length) joined[n++] = c;
            _out.Add(writer, d, joined[..n], FieldHint.Phone);
        }

        _out.Add(writer, d, SegmentFields.Component(telecom, d, 11), FieldHint.Phone);
    }

    /// <summary>An identifier whose assigning authority is an INS OID, or whose type is NH (national health number).</summary>
    private static bool IsNir(ReadOnlySpan<char> cx, SegmentDelimiters d)
    {
        var authority = SegmentFields.Component(cx, d, 3);
        foreach (var oid in NirOids)
        {
            var at = authority.IndexOf(oid, StringComparison.Ordinal);
            if (at >= 0 && (at + oid.Length == authority.Length || !char.IsAsciiDigit(authority[at + oid.Length]))) return true;
        }

        var type = SegmentFields.Component(cx, d, 4);
        return type is "NH" or "INS" or "INS-NIR";
    }
}
