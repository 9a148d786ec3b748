using System.Text;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Enrollment;

/// <summary>Synthetic lab exports written to a test's folder.</summary>
internal static class ExportFiles
{
    public static string Write(string folder, int count, int seed, Encoding? encoding = null, string name = "export.csv", bool bom = false) =>
        Write(folder, SyntheticPopulation.Generate(count, seed), encoding, name, bom);

    public static string Write(string folder, IEnumerable<SyntheticPatient> patients, Encoding? encoding = null, string name = "export.csv", bool bom = false)
    {
        var path = Path.Combine(folder, name);
        LabExportWriter.WriteFile(path, patients, new LabExportFormat { Encoding = encoding ?? LabExportWriter.Windows1252, ByteOrderMark = bom });
        return path;
    }
}
