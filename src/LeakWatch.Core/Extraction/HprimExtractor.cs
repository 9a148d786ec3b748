using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// HPRIM Santé (the French lab result format derived from ASTM E1394): one record per P (patient) record, with its
/// <c>A|</c> continuation lines. Fields of P, 0-based after cutting at the field separator: 2-4 identifiers, 5 name
/// (name, first name, second first name), 6 birth name, 7 birth date (yyyyMMdd), 8 sex, 10 address (postal code
/// fifth), 12 phone. Separators come from the H record; in practice <c>H|~^\&amp;|</c> makes <c>~</c> the component separator.
/// </summary>
internal sealed class HprimExtractor : IRecordExtractor
{
    /// <summary>HPRIM cuts records at 220 chars; a patient record a few lines long is plenty.</summary>
    private const int MaxRecordChars = 64 * 1024;

    private readonly SegmentFields _out = new();
    private readonly char[] _pending = new char[MaxRecordChars];
    private int _pendingLength;
    private long _pendingOffset;
    private long _pendingLine;

    public void Extract(TextReader text, RecordWriter writer, ExtractionContext context)
    {
        var cursor = new TextCursor(text, maxChars: 1024 * 1024, initialChars: 64 * 1024);
        var delimiters = SegmentDelimiters.FromHprimHeader("H|~^\\&|");
        var lines = 0;
        while (cursor.TryReadLine(out var line, out var offset, out var number))
        {
            var record = line.TrimStart(' ');
            if (record.Length >= 2 && record[0] == 'A' && record[1] == delimiters.Field)
            {
                // A continuation line carries on the previous record where the line was cut.
                if (_pendingLength > 0) Append(record[2..]);
                continue;
            }

            Flush(writer, delimiters, context);
            if (record.Length >= 2 && record[0] == 'H' && !char.IsAsciiLetterOrDigit(record[1]))
            {
                delimiters = SegmentDelimiters.FromHprimHeader(record);
            }
            else if (record.Length >= 2 && record[0] == 'P' && record[1] == delimiters.Field)
            {
                _pendingOffset = offset + (line.Length - record.Length);
                _pendingLine = number;
                Append(record);
            }

            if ((++lines & 0x3FF) == 0) context.CancellationToken.ThrowIfCancellationRequested();
        }

        Flush(writer, delimiters, context);
    }

    /// <summary>
    /// Writers disagree on the component separator (the header says <c>~</c>, some write <c>^</c> anyway): a name or
    /// address field without the declared one but with another is cut at that other.
    /// </summary>
    private static SegmentDelimiters ComponentsOf(ReadOnlySpan<char> field, SegmentDelimiters d)
    {
        if (field.IndexOf(d.Component) >= 0) return d;
        foreach (var candidate in "^~\\")
        {
            if (candidate == d.Field || candidate == d.Escape || field.IndexOf(candidate) < 0) continue;

            // Taken as the component separator, it can no longer separate repetitions.
            return d with { Component = candidate, Repetition = candidate == d.Repetition ? '\uFFFF' : d.Repetition };
        }

        return d;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        var n = Math.Min(text.Length, _pending.Length - _pendingLength);
        text[..n].CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += n;
    }

    private void Flush(RecordWriter writer, SegmentDelimiters d, ExtractionContext context)
    {
        if (_pendingLength == 0) return;
        var record = _pending.AsSpan(0, _pendingLength);
        _pendingLength = 0;

        context.BeginRecord(writer, _pendingOffset, _pendingLine);
        var index = 0;
        foreach (var range in record.Split(d.Field))
        {
            var field = record[range];
            var fd = index is 5 or 10 ? ComponentsOf(field, d) : d;
            foreach (var repetition in field.Split(fd.Repetition))
            {
                var value = field[repetition];
                switch (index)
                {
                    case 2 or 3 or 4:
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 0), FieldHint.Identifier);
                        break;
                    case 5:
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 0), FieldHint.LastName);
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 1), FieldHint.FirstName);
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 2), FieldHint.FirstName);
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 4), FieldHint.Other);
                        break;
                    case 6:
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 0), FieldHint.BirthName);
                        break;
                    case 7:
                        _out.Add(writer, fd, SegmentFields.CompactDate(SegmentFields.Component(value, fd, 0)), FieldHint.BirthDate);
                        break;
                    case 8:
                        _out.Add(writer, fd, value, FieldHint.Other);
                        break;
                    case 10:
                        _out.WriteAddress(writer, fd, value, postalCodeComponent: 4);
                        break;
                    case 12:
                        _out.Add(writer, fd, SegmentFields.Component(value, fd, 0), FieldHint.Phone);
                        break;
                }
            }

            index++;
        }

        writer.EndRecord();
    }
}
