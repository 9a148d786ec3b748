using System.Text;

namespace LeakWatch.Core.Tests.Documents;

/// <summary>
/// Decompression bombs made without expanding them: a raw deflate stream written by hand with fixed Huffman codes,
/// a unit repeated by back-references (258 bytes for 13 to 16 bits), and a zip written by hand around it, so a test can
/// hold a 1 GB part in a few megabytes and build it in milliseconds.
/// </summary>
internal static class BombBuilder
{
    private static readonly int[] LengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
    private static readonly int[] LengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
    private static readonly int[] DistanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
    private static readonly int[] DistanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

    /// <summary>Raw deflate of <paramref name="prefix"/>, then <paramref name="unit"/> repeated until <paramref name="total"/> bytes in all, then <paramref name="suffix"/>.</summary>
    public static byte[] Deflate(byte[] prefix, byte[] unit, long total, byte[] suffix)
    {
        var bits = new BitWriter();
        bits.Write(1, 1); // last block
        bits.Write(1, 2); // fixed Huffman
        foreach (var b in prefix) bits.Literal(b);
        foreach (var b in unit) bits.Literal(b);
        var remaining = total - prefix.Length - unit.Length - suffix.Length;
        while (remaining >= 3)
        {
            var length = (int)Math.Min(258, remaining);
            if (remaining - length is 1 or 2) length -= 3;
            bits.Match(length, unit.Length);
            remaining -= length;
        }

        for (var i = 0; i < remaining; i++) bits.Literal(unit[i % unit.Length]);
        foreach (var b in suffix) bits.Literal(b);
        bits.Write(0, 7); // end of block
        return bits.ToArray();
    }

    /// <summary>A zip written by hand: (name, stored content) or (name, raw deflate, claimed size). CRCs of bombs are left 0: no reader gets that far.</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Data, bool Deflated, long Size)> entries)
    {
        using var output = new MemoryStream();
        var central = new MemoryStream();
        var count = 0;
        foreach (var (name, data, deflated, size) in entries)
        {
            var offset = output.Position;
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var crc = deflated ? 0u : Crc32(data);
            Header(output, local: true, nameBytes, deflated, crc, data.Length, size, offset);
            output.Write(data);
            Header(central, local: false, nameBytes, deflated, crc, data.Length, size, offset);
            count++;
        }

        var centralOffset = output.Position;
        central.Position = 0;
        central.CopyTo(output);
        var w = new BinaryWriter(output);
        w.Write(0x06054b50u);
        w.Write((ushort)0);
        w.Write((ushort)0);
        w.Write((ushort)count);
        w.Write((ushort)count);
        w.Write((uint)central.Length);
        w.Write((uint)centralOffset);
        w.Write((ushort)0);
        w.Flush();
        return output.ToArray();
    }

    /// <summary>Every entry of a real zip, stored, with one entry replaced.</summary>
    public static byte[] Replace(byte[] zip, string name, byte[] deflated, long size)
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        var entries = new List<(string, byte[], bool, long)>();
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName == name) continue;
            using var content = new MemoryStream();
            using (var stream = entry.Open()) stream.CopyTo(content);
            entries.Add((entry.FullName, content.ToArray(), false, content.Length));
        }

        entries.Add((name, deflated, true, size));
        return Zip(entries);
    }

    private static void Header(Stream stream, bool local, byte[] name, bool deflated, uint crc, long compressed, long size, long offset)
    {
        var w = new BinaryWriter(stream);
        w.Write(local ? 0x04034b50u : 0x02014b50u);
        if (!local) w.Write((ushort)20);
        w.Write((ushort)20);
        w.Write((ushort)0);
        w.Write((ushort)(deflated ? 8 : 0));
        w.Write(0u); // time, date
        w.Write(crc);
        w.Write((uint)compressed);
        w.Write((uint)size);
        w.Write((ushort)name.Length);
        w.Write((ushort)0);
        if (!local)
        {
            w.Write((ushort)0);
            w.Write((ushort)0);
            w.Write((ushort)0);
            w.Write(0u);
            w.Write((uint)offset);
        }

        w.Write(name);
        w.Flush();
    }

    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }

        return ~crc;
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private ulong _buffer;
        private int _count;

        public void Write(uint value, int bits)
        {
            _bits |= value << _bitCount;
            _bitCount += bits;
            _buffer |= (ulong)value << _count;
            _count += bits;
            while (_count >= 8)
            {
                _bytes.Add((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        /// <summary>Huffman codes go most significant bit first.</summary>
        public void Code(uint code, int length)
        {
            uint reversed = 0;
            for (var i = 0; i < length; i++) reversed |= ((code >> i) & 1) << (length - 1 - i);
            Write(reversed, length);
        }

        public void Literal(byte b)
        {
            if (b <= 143) Code(0x30u + b, 8);
            else Code(0x190u + (uint)(b - 144), 9);
        }

        private readonly Dictionary<(int, int), (uint Bits, int Count)> _matches = [];

        /// <summary>A back-reference; its bits are worked out once per (length, distance): a bomb repeats one.</summary>
        public void Match(int length, int distance)
        {
            if (!_matches.TryGetValue((length, distance), out var encoded))
            {
                var probe = new BitWriter();
                probe.Encode(length, distance);
                encoded = (probe._bits, probe._bitCount);
                _matches[(length, distance)] = encoded;
            }

            Write(encoded.Bits, encoded.Count);
        }

        private uint _bits;
        private int _bitCount;

        private void Encode(int length, int distance)
        {
            var l = Array.FindLastIndex(LengthBase, v => v <= length);
            if (length == 258) l = 28;
            var symbol = 257 + l;
            if (symbol <= 279) Code((uint)(symbol - 256), 7);
            else Code(0xC0u + (uint)(symbol - 280), 8);
            if (LengthExtra[l] > 0) Write((uint)(length - LengthBase[l]), LengthExtra[l]);
            var d = Array.FindLastIndex(DistanceBase, v => v <= distance);
            Code((uint)d, 5);
            if (DistanceExtra[d] > 0) Write((uint)(distance - DistanceBase[d]), DistanceExtra[d]);
        }

        public byte[] ToArray()
        {
            if (_count > 0) _bytes.Add((byte)_buffer);
            return _bytes.ToArray();
        }
    }
}
