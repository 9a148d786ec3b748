using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Detection of one document, in memory: bytes in (a file, a page, an attachment, an archive), per-leaf results out.
/// Content stays in memory; only the results leave. The crawler reaches it through <see cref="DocumentIntake"/> only.
/// </summary>
internal interface IDocumentScanner
{
    /// <summary>A file or archive read from a stream (the scan verb).</summary>
    Task<IReadOnlyList<DocumentScanResult>> ScanAsync(Stream content, string documentName, CancellationToken cancellationToken);

    /// <summary>
    /// A fetched document: HTML goes to Core's HTML extractor from the document's one decoding, archives are unpacked,
    /// other text is decoded with the declared charset. The document's own hash is the one it already has.
    /// </summary>
    Task<IReadOnlyList<DocumentScanResult>> ScanAsync(FetchedDocument document, string documentName, CancellationToken cancellationToken);
}
