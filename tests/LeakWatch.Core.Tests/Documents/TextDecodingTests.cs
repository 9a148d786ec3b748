using System.Text;
using LeakWatch.Core.Documents;

namespace LeakWatch.Core.Tests.Documents;

public sealed class TextDecodingTests
{
    private const string Sample = "NOM;PRENOM\nDUPONT;Hélène\nLEFÈVRE;Noël\nŒDIPE;Zoé € ½\n";

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    [InlineData("utf-32be")]
    public void Open_ByteOrderMark_ChoosesTheEncodingAndDropsTheMark(string name)
    {
        Encoding encoding = name switch
        {
            "utf-8" => new UTF8Encoding(true),
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            "utf-32le" => new UTF32Encoding(false, true),
            _ => new UTF32Encoding(true, true),
        };
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(Sample)).ToArray();

        var (text, encodingName) = Decode(bytes);

        Assert.Equal(Sample, text);
        Assert.Equal(name, encodingName);
    }

    [Theory]
    [InlineData(false, "utf-16le")]
    [InlineData(true, "utf-16be")]
    public void Open_Utf16WithoutMark_IsRecognizedByItsNulBytes(bool bigEndian, string expected)
    {
        var bytes = new UnicodeEncoding(bigEndian, false).GetBytes(Sample);

        var (text, encodingName) = Decode(bytes);

        Assert.Equal(Sample, text);
        Assert.Equal(expected, encodingName);
    }

    [Fact]
    public void Open_Windows1252_DecodesHelene()
    {
        var bytes = TextDecoding.Windows1252.GetBytes(Sample);

        var (text, encodingName) = Decode(bytes);

        Assert.Equal(Sample, text);
        Assert.Equal("windows-1252", encodingName);
    }

    [Fact]
    public void Open_Utf8WithoutMark_IsUtf8()
    {
        var (text, encodingName) = Decode(Encoding.UTF8.GetBytes(Sample));

        Assert.Equal(Sample, text);
        Assert.Equal("utf-8", encodingName);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("windows-1252")]
    public void Open_FirstAccentFarBeyondTheSniffedHead_IsStillDecodedRight(string name)
    {
        var ascii = string.Concat(Enumerable.Repeat("DUPONT;MARIE;12/03/1965\n", 20_000));
        var encoding = name == "utf-8" ? Encoding.UTF8 : TextDecoding.Windows1252;
        var bytes = encoding.GetBytes(ascii + "LEFÈVRE;Hélène;01/01/1970\n");
        Assert.True(bytes.Length > 4 * TextDecoding.SniffBytes);

        var (text, encodingName) = Decode(bytes);

        Assert.EndsWith("LEFÈVRE;Hélène;01/01/1970\n", text, StringComparison.Ordinal);
        Assert.Equal(name, encodingName);
    }

    [Fact]
    public void Open_MultiByteSequenceCutByTheSniffedHead_StaysUtf8()
    {
        var prefix = new string('a', TextDecoding.SniffBytes - 1);
        var bytes = Encoding.UTF8.GetBytes(prefix + "é" + new string('b', 100));

        var (text, encodingName) = Decode(bytes);

        Assert.Equal("utf-8", encodingName);
        Assert.Equal(prefix + "é" + new string('b', 100), text);
    }

    [Fact]
    public void Open_BrokenBytesLaterInUtf8_DecodeAsReplacementWithoutThrowing()
    {
        var good = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Hélène;", 30_000)));
        var bytes = good.Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("fin")).ToArray();

        var (text, encodingName) = Decode(bytes);

        Assert.Equal("utf-8", encodingName);
        Assert.EndsWith("\uFFFD(\uFFFDfin", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Utf8WithABrokenByteNextToTheFirstAccent_StaysUtf8()
    {
        // A lab export in UTF-8 with one corrupted byte on its third line: the accents around it are still UTF-8.
        var bytes = Encoding.UTF8.GetBytes("NOM;PRENOM\nDUPONT;Hélène\n").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("LEFÈVRE;Noël\nŒDIPE;Zoé\n")).ToArray();

        var (text, encodingName) = Decode(bytes);

        Assert.Equal("utf-8", encodingName);
        Assert.Equal("NOM;PRENOM\nDUPONT;Hélène\n\uFFFDLEFÈVRE;Noël\nŒDIPE;Zoé\n", text);
    }

    [Fact]
    public void Open_Windows1252WithOneAccidentalUtf8Pair_StaysWindows1252()
    {
        // "É«" is C9 AB in Windows-1252, which is also a well-formed UTF-8 sequence: one among many lone accents.
        var bytes = TextDecoding.Windows1252.GetBytes("NOM;PRENOM\nÉ«;Hélène\nLEFÈVRE;Noël\nŒDIPE;Zoé\n");

        var (text, encodingName) = Decode(bytes);

        Assert.Equal("windows-1252", encodingName);
        Assert.Equal("NOM;PRENOM\nÉ«;Hélène\nLEFÈVRE;Noël\nŒDIPE;Zoé\n", text);
    }

    [Theory]
    [InlineData("utf-8", 10)]
    [InlineData("windows-1252", 10)]
    [InlineData("utf-8", 100_000)]
    [InlineData("windows-1252", 100_000)]
    public void Settle_BeforeReading_MakesTheChoiceReadingOnWouldMake(string name, int asciiLines)
    {
        var encoding = name == "utf-8" ? Encoding.UTF8 : TextDecoding.Windows1252;
        var bytes = encoding.GetBytes(string.Concat(Enumerable.Repeat("DUPONT;MARIE\n", asciiLines)) + "LEFÈVRE;Hélène\n");
        using var settled = TextDecoding.Open(new MemoryStream(bytes));
        using var read = TextDecoding.Open(new MemoryStream(bytes));

        var early = settled.Settle();
        read.ReadToEnd();

        // Within the head the choice is made at once; beyond it, it waits for the byte rather than guess.
        Assert.Equal(name, read.EncodingName);
        Assert.Equal(asciiLines == 10 ? read.Encoding : TextEncodingKind.Ascii, early);
        Assert.EndsWith("LEFÈVRE;Hélène\n", settled.ReadToEnd(), StringComparison.Ordinal);
        Assert.Equal(name, settled.EncodingName);
    }

    [Theory]
    [InlineData("UTF-8", TextEncodingKind.Utf8)]
    [InlineData("\"windows-1252\"", TextEncodingKind.Windows1252)]
    [InlineData("ISO-8859-1", TextEncodingKind.Windows1252)]
    [InlineData("latin1", TextEncodingKind.Windows1252)]
    [InlineData("utf-16be", TextEncodingKind.Utf16BigEndian)]
    [InlineData("koi8-r", null)]
    [InlineData("", null)]
    public void FromLabel_CharsetLabels_NameTheDecoderOrNone(string label, TextEncodingKind? expected) =>
        Assert.Equal(expected, TextDecoding.FromLabel(label));

    [Fact]
    public void Open_NulBytesOrPdf_IsBinary()
    {
        Assert.True(TextDecoding.Open(new MemoryStream([0x50, 0x4B, 0x00, 0x01, 0x41, 0x42, 0x43, 0x00, 0x00, 0x44])).IsBinary);
        Assert.True(TextDecoding.Open(new MemoryStream("%PDF-1.7\n%âãÏÓ\n"u8.ToArray())).IsBinary);
        Assert.False(TextDecoding.Open(new MemoryStream(Encoding.UTF8.GetBytes(Sample))).IsBinary);

        // A text export padded with a few NULs is still text.
        var padded = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Sample, 100))).Concat(new byte[8]).ToArray();
        Assert.False(TextDecoding.Open(new MemoryStream(padded)).IsBinary);
    }

    [Fact]
    public void Windows1252_FastDecoder_AgreesWithTheCodePageOnEveryByte()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var chars = new char[256];

        Windows1252.Decode(all, chars);

        Assert.Equal(TextDecoding.Windows1252.GetChars(all), chars);
    }

    [Fact]
    public void Read_CountsCharsAndBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample);
        using var reader = TextDecoding.Open(new MemoryStream(bytes));

        var text = reader.ReadToEnd();

        Assert.Equal(Sample.Length, reader.CharsRead);
        Assert.Equal(bytes.Length, reader.BytesRead);
        Assert.Equal(Sample, text);
    }

    private static (string Text, string Encoding) Decode(byte[] bytes)
    {
        using var reader = TextDecoding.Open(new OneByteAtATimeOften(bytes));
        var text = reader.ReadToEnd();
        return (text, reader.EncodingName);
    }

    /// <summary>Network streams return short reads: the decoder must not depend on full buffers.</summary>
    private sealed class OneByteAtATimeOften(byte[] bytes) : ReadOnlyForwardStream
    {
        private readonly MemoryStream _inner = new(bytes);
        private int _reads;

        public override int Read(Span<byte> buffer) => _inner.Read(++_reads % 3 == 0 ? buffer[..Math.Min(1, buffer.Length)] : buffer);
    }
}
