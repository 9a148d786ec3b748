using System.Security.Cryptography;
using System.Text;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The keyed hashes of what the service sees, each under its own purpose key (HKDF from the secret key, beside the
/// index file's and the console's): a document's content hash (the crawl state's "seen" key, the incident's content
/// hash, what <c>scan</c> prints), the mask of an archive entry or file name, and the signature of a forum thread's row.
/// No unkeyed hash of content is stored, compared or printed: for a tiny document (a one-line paste, a post's leaf)
/// a bare SHA-256 would let whoever holds the database or an alert confirm a guessed text.
/// </summary>
/// <remarks>
/// A content hash is HMAC-SHA256(content key, SHA-256(bytes)), and an entry name's mask is the first 4 bytes of
/// HMAC-SHA256(name key, first 4 bytes of SHA-256(name)): keyed like a plain HMAC (the digest is never stored or
/// compared), and computable from the bare digests that databases made before hold, so that
/// <see cref="LegacyHashUpgrade"/> re-keys them in place and no document seen before is scanned or alerted again.
/// </remarks>
internal sealed class ContentHashes
{
    public const string ContentPurpose = "leakwatch/v1/content-hash";
    public const string NamePurpose = "leakwatch/v1/entry-name";
    public const string ThreadPurpose = "leakwatch/v1/thread-signature";

    /// <summary>Bytes of SHA-256 of a name kept before keying: what the masks of old databases hold.</summary>
    internal const int NameDigestBytes = 4;

    private readonly byte[] _contentKey;
    private readonly byte[] _nameKey;
    private readonly byte[] _threadKey;

    public ContentHashes(FingerprintKeys keys)
    {
        _contentKey = keys.DerivePurposeKey(ContentPurpose);
        _nameKey = keys.DerivePurposeKey(NamePurpose);
        _threadKey = keys.DerivePurposeKey(ThreadPurpose);
        Names = new DocumentNames(this);
    }

    /// <summary>Masks entry and file names with <see cref="Name"/>.</summary>
    public DocumentNames Names { get; }

    /// <summary>The content hash of a whole document: 64 lower-case hex digits.</summary>
    public string Content(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return OfDigest(digest);
    }

    /// <summary>The content hash from the SHA-256 digest of the bytes (a stream hashed as it is read).</summary>
    public string OfDigest(ReadOnlySpan<byte> sha256) => Convert.ToHexStringLower(HMACSHA256.HashData(_contentKey, sha256));

    /// <summary>The mask of a name: 8 lower-case hex digits (32 bits: enough to tell a document's entries apart).</summary>
    public string Name(string name)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), digest);
        return OfNameDigest(digest[..NameDigestBytes]);
    }

    internal string OfNameDigest(ReadOnlySpan<byte> prefix) => Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey, prefix), 0, NameDigestBytes);

    /// <summary>What of a forum thread's row (title, replies, last post) the crawler remembers: 32 hex digits.</summary>
    public string ThreadSignature(string rowText) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_threadKey, Encoding.UTF8.GetBytes(rowText)), 0, 16);
}
