using System.Text;

namespace LeakWatch.Synthetic.Documents;

/// <summary>
/// A minimal legacy .xls written by hand, since no writer library for BIFF is at hand: a BIFF8 workbook stream (BOF,
/// CODEPAGE, DATEMODE, two XF records, the last with the built-in date format 14, BOUNDSHEET per sheet, EOF; then per
/// sheet BOF, DIMENSIONS, LABEL and NUMBER cells, EOF) inside an OLE2 compound file (version 3, 512-byte sectors,
/// FAT, one directory sector). What Excel 97-2003 writes has more records; readers need no more than these.
/// </summary>
public static class XlsWriter
{
    private const uint EndOfChain = 0xFFFFFFFE;
    private const uint FreeSector = 0xFFFFFFFF;
    private const uint FatSector = 0xFFFFFFFD;
    private const uint NoStream = 0xFFFFFFFF;

    public static byte[] Write(IReadOnlyList<Table> sheets) => CompoundFile(Workbook(sheets));

    private static byte[] Workbook(IReadOnlyList<Table> sheets)
    {
        var globals = new MemoryStream();
        Record(globals, 0x0809, Bof(0x0005));
        Record(globals, 0x0042, BitConverter.GetBytes((ushort)1200));
        Record(globals, 0x0022, BitConverter.GetBytes((ushort)0));
        Record(globals, 0x00E0, Xf(format: 0, style: true));
        Record(globals, 0x00E0, Xf(format: 14, style: false));
        var boundSheetOffsets = new List<long>();
        foreach (var sheet in sheets)
        {
            boundSheetOffsets.Add(globals.Position + 4);
            var name = Encoding.Unicode.GetBytes(sheet.Name);
            Record(globals, 0x0085, [.. new byte[4], 0, 0, (byte)sheet.Name.Length, 1, .. name]);
        }

        Record(globals, 0x000A, []);

        var workbook = new MemoryStream();
        globals.Position = 0;
        globals.CopyTo(workbook);
        var bytes = new List<byte[]>();
        for (var s = 0; s < sheets.Count; s++)
        {
            var offset = (uint)workbook.Position;
            var patch = BitConverter.GetBytes(offset);
            var at = workbook.Position;
            workbook.Position = boundSheetOffsets[s];
            workbook.Write(patch);
            workbook.Position = at;
            WriteSheet(workbook, sheets[s]);
        }

        // Keep the stream out of the mini stream (under 4096 bytes): pad after the last EOF.
        if (workbook.Length < 4096) workbook.SetLength(4096);
        return workbook.ToArray();
    }

    private static void WriteSheet(Stream output, Table sheet)
    {
        Record(output, 0x0809, Bof(0x0010));
        var rows = new List<IReadOnlyList<TableCell>> { sheet.Header.Select(h => (TableCell)h).ToList() };
        rows.AddRange(sheet.Rows);
        var columns = rows.Max(r => r.Count);
        Record(output, 0x0200, [.. BitConverter.GetBytes(0u), .. BitConverter.GetBytes((uint)rows.Count), .. BitConverter.GetBytes((ushort)0), .. BitConverter.GetBytes((ushort)columns), 0, 0]);
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Count; c++)
            {
                var cell = rows[r][c];
                var position = (byte[])[.. BitConverter.GetBytes((ushort)r), .. BitConverter.GetBytes((ushort)c)];
                if (cell.Date is { } date)
                {
                    var serial = (double)(date.DayNumber - new DateOnly(1899, 12, 30).DayNumber);
                    Record(output, 0x0203, [.. position, 1, 0, .. BitConverter.GetBytes(serial)]);
                }
                else if (cell.Number is { } number)
                {
                    Record(output, 0x0203, [.. position, 0, 0, .. BitConverter.GetBytes(number)]);
                }
                else if (!string.IsNullOrEmpty(cell.Text))
                {
                    Record(output, 0x0204, [.. position, 0, 0, .. BitConverter.GetBytes((ushort)cell.Text.Length), 1, .. Encoding.Unicode.GetBytes(cell.Text)]);
                }
            }
        }

        Record(output, 0x000A, []);
    }

    private static byte[] Bof(ushort type) =>
        [.. BitConverter.GetBytes((ushort)0x0600), .. BitConverter.GetBytes(type), .. BitConverter.GetBytes((ushort)0x0DBB), .. BitConverter.GetBytes((ushort)0x07CC), .. new byte[4], 0x06, 0, 0, 0, .. new byte[4]];

    private static byte[] Xf(ushort format, bool style)
    {
        var xf = new byte[20];
        BitConverter.GetBytes(format).CopyTo(xf, 2);
        BitConverter.GetBytes((ushort)(style ? 0xFFF5 : 0x0001)).CopyTo(xf, 4);
        xf[9] = style ? (byte)0 : (byte)0xFC;
        return xf;
    }

    private static void Record(Stream output, ushort type, byte[] data)
    {
        if (data.Length > 8224) throw new ArgumentException("A BIFF8 record holds at most 8224 bytes: write shorter cells.", nameof(data));
        output.Write(BitConverter.GetBytes(type));
        output.Write(BitConverter.GetBytes((ushort)data.Length));
        output.Write(data);
    }

    /// <summary>An OLE2 compound file with one stream named Workbook.</summary>
    private static byte[] CompoundFile(byte[] workbook)
    {
        var dataSectors = (workbook.Length + 511) / 512;
        var fatSectors = 1;
        while (fatSectors * 128 < fatSectors + 1 + dataSectors) fatSectors++;
        if (fatSectors > 109) throw new ArgumentException("Workbook too large for a header-only FAT.", nameof(workbook));
        var directorySector = fatSectors;
        var firstData = fatSectors + 1;

        var file = new MemoryStream();
        var header = new byte[512];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(header, 0);
        BitConverter.GetBytes((ushort)0x003E).CopyTo(header, 24);
        BitConverter.GetBytes((ushort)0x0003).CopyTo(header, 26);
        BitConverter.GetBytes((ushort)0xFFFE).CopyTo(header, 28);
        BitConverter.GetBytes((ushort)9).CopyTo(header, 30);
        BitConverter.GetBytes((ushort)6).CopyTo(header, 32);
        BitConverter.GetBytes((uint)fatSectors).CopyTo(header, 44);
        BitConverter.GetBytes((uint)directorySector).CopyTo(header, 48);
        BitConverter.GetBytes(4096u).CopyTo(header, 56);
        BitConverter.GetBytes(EndOfChain).CopyTo(header, 60);
        BitConverter.GetBytes(0u).CopyTo(header, 64);
        BitConverter.GetBytes(EndOfChain).CopyTo(header, 68);
        BitConverter.GetBytes(0u).CopyTo(header, 72);
        for (var i = 0; i < 109; i++) BitConverter.GetBytes(i < fatSectors ? (uint)i : FreeSector).CopyTo(header, 76 + (i * 4));
        file.Write(header);

        var fat = new uint[fatSectors * 128];
        Array.Fill(fat, FreeSector);
        for (var i = 0; i < fatSectors; i++) fat[i] = FatSector;
        fat[directorySector] = EndOfChain;
        for (var i = 0; i < dataSectors; i++) fat[firstData + i] = i == dataSectors - 1 ? EndOfChain : (uint)(firstData + i + 1);
        foreach (var entry in fat) file.Write(BitConverter.GetBytes(entry));

        var directory = new byte[512];
        Entry(directory, 0, "Root Entry", type: 5, child: 1, start: EndOfChain, size: 0);
        Entry(directory, 1, "Workbook", type: 2, child: NoStream, start: (uint)firstData, size: (uint)workbook.Length);
        Entry(directory, 2, "", type: 0, child: NoStream, start: 0, size: 0);
        Entry(directory, 3, "", type: 0, child: NoStream, start: 0, size: 0);
        file.Write(directory);

        file.Write(workbook);
        file.Write(new byte[(dataSectors * 512) - workbook.Length]);
        return file.ToArray();
    }

    private static void Entry(byte[] directory, int index, string name, byte type, uint child, uint start, uint size)
    {
        var at = index * 128;
        var nameBytes = Encoding.Unicode.GetBytes(name);
        nameBytes.CopyTo(directory, at);
        BitConverter.GetBytes((ushort)(name.Length == 0 ? 0 : nameBytes.Length + 2)).CopyTo(directory, at + 64);
        directory[at + 66] = type;
        directory[at + 67] = 1;
        BitConverter.GetBytes(NoStream).CopyTo(directory, at + 68);
        BitConverter.GetBytes(NoStream).CopyTo(directory, at + 72);
        BitConverter.GetBytes(child).CopyTo(directory, at + 76);
        BitConverter.GetBytes(start).CopyTo(directory, at + 116);
        BitConverter.GetBytes(size).CopyTo(directory, at + 120);
    }
}
