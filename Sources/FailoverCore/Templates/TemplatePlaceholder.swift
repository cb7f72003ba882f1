/// One `{{ ... }}` placeholder of a ``RunbookTemplate``: what it refers to and where it is.
public struct TemplatePlaceholder: Sendable, Hashable {
    /// The variable.
    public let reference: TemplateReference
    /// 0-based offset of the placeholder's `{{` in the template text, in Unicode scalars; the loader adds it to
    /// the string's position in the file to report a reference to a variable that cannot exist.
    public let offset: Int

    /// Creates a placeholder.
    public init(reference: TemplateReference, offset: Int) {
        self.reference = reference
        self.offset = offset
    }
}
