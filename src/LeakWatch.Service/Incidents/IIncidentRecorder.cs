using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Incidents;

/// <summary>Where a document that matched becomes an incident (and its alerts). Called by the crawler after each scan.</summary>
internal interface IIncidentRecorder
{
    /// <summary>Records a patient leak (<see cref="IncidentKind.PatientLeak"/>).</summary>
    /// <param name="source">The configured source's name (or "scan" for files scanned by hand).</param>
    /// <param name="url">Where the document was found (URL, or path; archive entries as <c>url!entry</c>).</param>
    /// <param name="result">The scan of one leaf document; results without matches are ignored.</param>
    Task RecordAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken);
}
