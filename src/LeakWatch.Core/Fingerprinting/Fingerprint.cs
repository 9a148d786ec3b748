using System.Buffers.Binary;
using System.Globalization;

namespace LeakWatch.Core.Fingerprinting;

/// <summary>A keyed hash of 128 bits (see <see cref="Fingerprinter"/>). Only its prefix is ever printed.</summary>
public readonly record struct Fingerprint(UInt128 Value)
{
    public const int Size = 16;

    public static Fingerprint Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt128LittleEndian(bytes));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt128LittleEndian(destination, Value);

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Write(bytes);
        return bytes;
    }

    /// <summary>Fingerprints are opaque; logs carry an 8-hex-digit prefix, enough to correlate, too short to matter.</summary>
    public string Prefix => ((ulong)(Value >> 96)).ToString("x8", CultureInfo.InvariantCulture)[..8];

    /// <summary>The full value as 32 lower-case hex digits: the opaque patient reference printed by scan and resolve.</summary>
    public string ToHex() => Value.ToString("x32", CultureInfo.InvariantCulture);

    public static bool TryParseHex(string? text, out Fingerprint fingerprint)
    {
        fingerprint = default;
        if (text is null || text.Length != 32) return false;
        if (!UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)) return false;
        fingerprint = new Fingerprint(value);
        return true;
    }

    public override string ToString() => "fp:" + Prefix;
}
