using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The index file: one enrollment's fingerprints laid out for lookups in place (memory-mapped), so a scan reads only the
/// pages it needs and the process keeps only the small tables in memory. A derived cache of the store, rebuilt from it
/// when missing, stale (another enrollment, scheme or key) or damaged. It holds keyed fingerprints only.
/// <code>
/// header (4 KiB)   magic, version, scheme, enrollment id, counts, group bits, body MAC, header MAC
/// patients         16-byte references, by ordinal (duplicates merged)
/// linked table     (2^linkedBits + 1) uint32: where each group of linked keys starts (groups: the keys' top bits)
/// linked keys      uint64, sorted
/// linked patients  int32 ordinal of each linked key's patient
/// linked filter    linkedFilterBlocks blocks of 32 bytes: a Bloom filter of the linked keys (<see cref="KeyFilter"/>)
/// member table     (2^memberBits + 1) uint32
/// members          uint64, sorted: the unlinked name sets' members
/// member filter    memberFilterBlocks blocks of 32 bytes: a Bloom filter of the members
/// </code>
/// Sections start on 4 KiB boundaries; integers are little-endian. Both MACs are HMAC-SHA256 (the body's over its
/// chunks, <see cref="IndexBodyMac"/>) under a key derived from the service key for this purpose only: a file built
/// with another key, or altered, is refused and rebuilt.
/// </summary>
public sealed record FingerprintIndexFormat(long Patients, long Linked, long Members, int LinkedBits, int MemberBits, long LinkedFilterBlocks, long MemberFilterBlocks)
{
    public const int HeaderSize = 4096;

    /// <summary>
    /// 3: the body's MAC over 16 MiB chunks, checked on every core (<see cref="IndexBodyMac"/>); 2 added block Bloom
    /// filters for linked keys and members. A file of another version is refused and rebuilt from the store.
    /// </summary>
    public const int Version = 3;
    public const int MacSize = 32;
    private const int BodyMacAt = 64;
    private const int HeaderMacAt = BodyMacAt + MacSize;
    private const string PurposeInfo = "leakwatch/v2/fingerprint-index-file";
    private static ReadOnlySpan<byte> Magic => "LWFPIX01"u8;

    /// <summary>At most this many groups a table (16 MiB of uint32): beyond, groups grow and lookups binary-search them.</summary>
    public const int MaxGroupBits = 22;

    /// <summary>
    /// A filter is copied into the process up to 160 MiB (10 bits a key: 134 M keys, the linked keys of some 11 M
    /// patients, so the 10 M-patient base measured in the README is copied whole: 145 MB); a larger one is read in
    /// place from the mapping, so the process's memory stays bounded whatever the base: at most two filters of 160 MiB
    /// and two tables of 16 MiB (in practice one large filter: members grow far slower than linked keys).
    /// </summary>
    public const long MaxCopiedFilterBytes = 160L << 20;

    public static FingerprintIndexFormat For(long patients, long linked, long members)
    {
        if (linked > uint.MaxValue || members > uint.MaxValue)
        {
            throw new InvalidDataException("More than 4 billion fingerprints of one kind: the index file cannot address them.");
        }
        // About sixteen keys a group (two cache lines) up to the table cap; filters of 10 bits a key.
        return new FingerprintIndexFormat(patients, linked, members, GroupBits(linked), GroupBits(members), KeyFilter.BlocksFor(linked), KeyFilter.BlocksFor(members));
    }

    private static int GroupBits(long count) => Math.Clamp(BitOperations.Log2((ulong)Math.Max(1, count)) - 4, 4, MaxGroupBits);

    public static long PatientsAt => HeaderSize;
    public long LinkedTableAt => Align(PatientsAt + Patients * Fingerprint.Size);
    public long LinkedKeysAt => Align(LinkedTableAt + TableBytes(LinkedBits));
    public long LinkedPatientsAt => Align(LinkedKeysAt + Linked * sizeof(ulong));
    public long LinkedFilterAt => Align(LinkedPatientsAt + Linked * sizeof(int));
    public long LinkedFilterBytes => LinkedFilterBlocks * KeyFilter.BlockBytes;
    public long MemberTableAt => Align(LinkedFilterAt + LinkedFilterBytes);
    public long MembersAt => Align(MemberTableAt + TableBytes(MemberBits));
    public long MemberFilterAt => Align(MembersAt + Members * sizeof(ulong));
    public long MemberFilterBytes => MemberFilterBlocks * KeyFilter.BlockBytes;
    public long Length => Align(MemberFilterAt + MemberFilterBytes);

    public static long TableBytes(int bits) => ((1L << bits) + 1) * sizeof(uint);

    private static long Align(long offset) => (offset + 4095) & ~4095L;

    /// <summary>The MAC key of index files: HKDF of the service key with its own label, never comparable with a fingerprint.</summary>
    public static byte[] MacKey(FingerprintKeys keys) => keys.DerivePurposeKey(PurposeInfo);

    /// <param name="version">Tests write older versions' headers; the service always writes <see cref="Version"/>.</param>
    public void WriteHeader(Span<byte> header, long enrollmentId, ReadOnlySpan<byte> bodyMac, byte[] macKey, int version = Version)
    {
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], FingerprintScheme.Current);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], enrollmentId);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], Patients);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], Linked);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], Members);
        BinaryPrimitives.WriteInt32LittleEndian(header[48..], LinkedBits);
        BinaryPrimitives.WriteInt32LittleEndian(header[52..], MemberBits);
        // Fit: at most 2^32 keys of a kind, 10 bits each, 256 bits a block.
        BinaryPrimitives.WriteInt32LittleEndian(header[56..], checked((int)LinkedFilterBlocks));
        BinaryPrimitives.WriteInt32LittleEndian(header[60..], checked((int)MemberFilterBlocks));
        bodyMac.CopyTo(header[BodyMacAt..]);
        HMACSHA256.HashData(macKey, header[..HeaderMacAt], header[HeaderMacAt..]);
    }

    /// <summary>
    /// Reads and checks a header: the format and its MAC, the scheme and the enrollment it must be of. Returns the
    /// layout, or null with why the file cannot be used (it is then rebuilt).
    /// </summary>
    public static FingerprintIndexFormat? ReadHeader(ReadOnlySpan<byte> header, long fileLength, long enrollmentId, byte[] macKey, out byte[] bodyMac, out string problem)
    {
        bodyMac = [];
        if (header.Length < HeaderSize || !header.StartsWith(Magic))
        {
            problem = "not an index file of this format";
            return null;
        }
        Span<byte> mac = stackalloc byte[MacSize];
        HMACSHA256.HashData(macKey, header[..HeaderMacAt], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, header.Slice(HeaderMacAt, MacSize)))
        {
            problem = "its header does not check under this key (another key, or altered)";
            return null;
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var scheme = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var enrollment = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (version != Version || scheme != FingerprintScheme.Current)
        {
            problem = $"made by another version (format {version}, scheme {scheme})";
            return null;
        }
        if (enrollment != enrollmentId)
        {
            problem = $"made for enrollment {enrollment}, not the active one ({enrollmentId})";
            return null;
        }
        var format = new FingerprintIndexFormat(
            BinaryPrimitives.ReadInt64LittleEndian(header[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[40..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[48..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[52..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[56..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[60..]));
        if (format != For(format.Patients, format.Linked, format.Members) || format.Length != fileLength)
        {
            problem = "its layout does not match its length (cut short?)";
            return null;
        }
        bodyMac = header.Slice(BodyMacAt, MacSize).ToArray();
        problem = "";
        return format;
    }
}
