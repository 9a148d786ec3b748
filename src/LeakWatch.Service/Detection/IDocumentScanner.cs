using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The one way into detection, for the scan verb and the crawler alike: bytes in (a file, a page, an attachment,
/// an archive), per-leaf results out. Content stays in memory; only the results leave.
/// </summary>
internal interface IDocumentScanner
{
    Task<IReadOnlyList<DocumentScanResult>> ScanAsync(Stream content, string documentName, CancellationToken cancellationToken);
}
