using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// The lab's 256-bit secret. It never prints, and the raw bytes leave this type only to derive sub-keys.
/// </summary>
public sealed class SecretKey
{
    public const int Size = 32;
    private readonly byte[] _material;

    private SecretKey(byte[] material) => _material = material;

    public static SecretKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    public static SecretKey FromBytes(ReadOnlySpan<byte> material)
    {
        if (material.Length != Size)
        {
            throw new ArgumentException($"A LeakWatch key is {Size} bytes; this one has {material.Length}.", nameof(material));
        }
        return new SecretKey(material.ToArray());
    }

    /// <summary>Parses the key file's text form: base64 of the 32 bytes, whitespace ignored. The message never echoes the input.</summary>
    public static bool TryParse(string text, out SecretKey? key)
    {
        key = null;
        var buffer = new byte[Size + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != Size) return false;
        key = new SecretKey(buffer[..Size]);
        CryptographicOperations.ZeroMemory(buffer);
        return true;
    }

    public string ToBase64() => Convert.ToBase64String(_material);

    /// <summary>HKDF-SHA256 sub-key for one purpose, so fingerprints of different kinds cannot be compared.</summary>
    public byte[] DeriveSubKey(FingerprintKind kind)
    {
        var info = Encoding.ASCII.GetBytes("leakwatch/v1/" + (int)kind);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _material, Size, salt: [], info: info);
    }

    /// <summary>
    /// HKDF-SHA256 128-bit SipHash key for one purpose (fingerprint scheme 2): its own info string, so it shares
    /// nothing with the scheme-1 HMAC sub-keys.
    /// </summary>
    public byte[] DeriveSipHashKey(FingerprintKind kind)
    {
        var info = Encoding.ASCII.GetBytes("leakwatch/v2/siphash/" + (int)kind);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _material, 16, salt: [], info: info);
    }

    /// <summary>
    /// The identifier the database records: a hash of a derived sub-key, never of the key itself.
    /// Sixteen hex digits are enough to tell keys apart and reveal nothing about them.
    /// </summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(DeriveSubKey(FingerprintKind.KeyId)))[..16];

    public override string ToString() => "SecretKey(" + Id + ")";
}
