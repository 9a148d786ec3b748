using System.Buffers.Binary;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Service.Storage;

/// <summary>The packed forms of the parts of an enrollment (see 0002_enrollment.sql).</summary>
internal static class ChunkFormat
{
    public const int PatientsPart = 1;
    public const int LinkedKeysPart = 2;
    public const int LinkedPatientsPart = 3;
    public const int SetMembersPart = 4;

    /// <summary>Entries per BLOB: 1 MiB of references at most, small enough to stream, large enough to be few rows.</summary>
    public const int DefaultChunkEntries = 65_536;

    public static void WriteUInt128(Span<byte> destination, int index, Fingerprint value) => value.Write(destination[(index * Fingerprint.Size)..]);

    public static void ReadPatients(ReadOnlySpan<byte> data, int count, Span<Fingerprint> destination)
    {
        for (var i = 0; i < count; i++) destination[i] = Fingerprint.Read(data.Slice(i * Fingerprint.Size, Fingerprint.Size));
    }

    public static void ReadUInt64s(ReadOnlySpan<byte> data, int count, Span<ulong> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            // The stored form is the memory form: one copy.
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data[..(count * sizeof(ulong))]).CopyTo(destination);
            return;
        }
        for (var i = 0; i < count; i++) destination[i] = BinaryPrimitives.ReadUInt64LittleEndian(data[(i * 8)..]);
    }

    /// <summary>Appends <paramref name="value"/> as unsigned LEB128; returns the bytes written.</summary>
    public static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Decodes <paramref name="count"/> deltas into absolute ordinals.</summary>
    public static void ReadOrdinalDeltas(ReadOnlySpan<byte> data, int count, Span<int> destination)
    {
        var position = 0;
        var previous = 0u;
        for (var i = 0; i < count; i++)
        {
            uint value = 0;
            var shift = 0;
            byte b;
            do
            {
                if (position >= data.Length || shift > 28) throw new InvalidDataException("A chunk of patient ordinals is damaged.");
                b = data[position++];
                value |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            previous += value;
            destination[i] = checked((int)previous);
        }
    }
}
