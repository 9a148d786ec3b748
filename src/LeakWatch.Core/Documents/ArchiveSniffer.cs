namespace LeakWatch.Core.Documents;

public enum ArchiveKind : byte
{
    /// <summary>Not a container: a leaf document.</summary>
    None = 0,
    GZip,
    BZip2,
    Xz,
    Zstandard,
    Zip,
    Tar,
    SevenZip,
    Rar,

    /// <summary>A zip whose first entry is an office document's (.xlsx, .docx, .ods, .odt...): read by random access.</summary>
    OfficeZip,

    /// <summary>An OLE2 compound file: a legacy .xls workbook (or a .doc, .msg, which are not read).</summary>
    Ole2,
    Pdf,

    /// <summary>An RFC 5322 message (.eml).</summary>
    Mail,

    /// <summary>Messages one after the other, each after a "From " line.</summary>
    Mbox,
}

/// <summary>
/// Recognizes containers by their magic bytes, and documents that are not text (office files, PDFs, mails) by their
/// content: names lie (a .txt that is a zip, a .csv.gz that is plain, a .dat that is a spreadsheet).
/// </summary>
public static class ArchiveSniffer
{
    /// <summary>Enough for every magic, tar's included (offset 257).</summary>
    public const int HeadBytes = 512;

    public static ArchiveKind Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return ArchiveKind.GZip;
        if (head.Length >= 4 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9') return ArchiveKind.BZip2;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) return ArchiveKind.Xz;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD])) return ArchiveKind.Zstandard;
        if (head.StartsWith("PK\u0003\u0004"u8)) return IsOfficeZip(head) ? ArchiveKind.OfficeZip : ArchiveKind.Zip;
        if (head.StartsWith("PK\u0005\u0006"u8) || head.StartsWith("PK\u0007\u0008"u8)) return ArchiveKind.Zip;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return ArchiveKind.Ole2;
        if (head.IndexOf("%PDF-"u8) is >= 0 and < 256) return ArchiveKind.Pdf;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return ArchiveKind.SevenZip;
        if (head.StartsWith("Rar!\u001A\u0007"u8)) return ArchiveKind.Rar;
        if (IsTarHeader(head)) return ArchiveKind.Tar;
        if (head.StartsWith("From "u8))
        {
            var newline = head.IndexOf((byte)'\n');
            if (newline > 0 && MailHeaders.LooksLikeHeaders(head[(newline + 1)..])) return ArchiveKind.Mbox;
        }

        if (MailHeaders.LooksLikeHeaders(head)) return ArchiveKind.Mail;
        return ArchiveKind.None;
    }

    /// <summary>
    /// The first entry's name (at offset 30 of its local header) is an office document's: an OpenDocument "mimetype"
    /// (stored first, by the standard) or an OOXML part. The package itself then says what it holds.
    /// </summary>
    internal static bool IsOfficeZip(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30) return false;
        var nameLength = head[26] | (head[27] << 8);
        if (nameLength == 0 || head.Length < 30 + nameLength) return false;
        var name = head.Slice(30, nameLength);
        return name.SequenceEqual("mimetype"u8) || name.SequenceEqual("[Content_Types].xml"u8)
            || name.StartsWith("_rels/"u8) || name.StartsWith("docProps/"u8) || name.StartsWith("xl/"u8) || name.StartsWith("word/"u8)
            || name.StartsWith("customXml/"u8);
    }

    /// <summary>POSIX and GNU tars carry "ustar" at 257; old v7 tars only a header checksum, checked as well.</summary>
    internal static bool IsTarHeader(ReadOnlySpan<byte> head)
    {
        if (head.Length < 512) return false;
        if (head[257..].StartsWith("ustar"u8)) return true;

        // v7 header: a NUL-terminated printable name and a checksum over the block with the checksum field as spaces.
        if (head[0] == 0) return false;
        var nameEnd = head[..100].IndexOf((byte)0);
        if (nameEnd < 0 || head[..nameEnd].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0) return false;
        // The checksum: octal digits, maybe after spaces, ended by a NUL or a space.
        var field = head.Slice(148, 8).TrimStart((byte)' ');
        var end = field.IndexOfAny((byte)0, (byte)' ');
        if (end >= 0) field = field[..end];
        if (field.IsEmpty || !TryParseOctal(field, out var expected)) return false;
        long sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? (byte)' ' : head[i];
        return sum == expected;
    }

    private static bool TryParseOctal(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'7') return false;
            value = (value * 8) + (d - '0');
        }

        return true;
    }
}
