using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

/// <summary>Writes the pieces of HL7 and HPRIM fields: unescaped, trimmed, empty and <c>""</c> (explicit null) values skipped.</summary>
internal sealed class SegmentFields
{
    private char[] _scratch = new char[256];

    /// <summary>XAD (HL7) or HPRIM address: the postal code at its position, the rest as other text.</summary>
    public void WriteAddress(RecordWriter writer, SegmentDelimiters d, ReadOnlySpan<char> address, int postalCodeComponent)
    {
        var index = 0;
        foreach (var range in address.Split(d.Component))
        {
            Add(writer, d, address[range], index++ == postalCodeComponent ? FieldHint.PostalCode : FieldHint.Other);
        }
    }

    public void AddAll(RecordWriter writer, SegmentDelimiters d, ReadOnlySpan<char> value, FieldHint hint)
    {
        foreach (var range in value.Split(d.Component)) Add(writer, d, value[range], hint);
    }

    public void Add(RecordWriter writer, SegmentDelimiters d, ReadOnlySpan<char> value, FieldHint hint)
    {
        var text = d.Unescape(value, ref _scratch).Trim();
        if (!text.IsEmpty && text is not "\"\"") writer.AddField(text, hint);
    }

    public static ReadOnlySpan<char> Component(ReadOnlySpan<char> value, SegmentDelimiters d, int index) =>
        SegmentDelimiters.Piece(value, d.Component, index);

    /// <summary>TS/DTM values carry a time and zone after the date: yyyyMMddHHmm+0100 gives yyyyMMdd.</summary>
    public static ReadOnlySpan<char> CompactDate(ReadOnlySpan<char> value) =>
        value.Length > 8 && value[..8].IndexOfAnyExceptInRange('0', '9') < 0 ? value[..8] : value;
}
