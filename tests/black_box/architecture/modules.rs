//! One crate's module tree, built from file names (`src/a/b.rs` and `src/a/b/mod.rs` are
//! `crate::a::b`), and the file-to-file references that `crate::`, `super::`, `self::`, child
//! module and `use`-alias paths resolve to.

use std::collections::{BTreeMap, HashMap};

use super::source::{scan, Reference, Scanned};

/// A source file: its path from the repository root and its text.
pub struct SourceFile {
    pub relative: String,
    pub text: String,
}

pub struct ModuleFile {
    pub relative: String,
    pub module: Vec<String>,
    pub scanned: Scanned,
    /// Names this file's `use` declarations bind, with what they resolve to inside the crate
    /// (`None`: something outside it, such as `chrono::Utc`).
    aliases: HashMap<String, Option<Vec<String>>>,
}

pub struct CrateModules {
    pub files: Vec<ModuleFile>,
    by_module: HashMap<Vec<String>, usize>,
}

/// Where one file names another, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub line: usize,
}

/// How many re-exports a path is followed through before giving up (re-export chains in this
/// code base are one or two long; the bound keeps a `pub use` loop from spinning).
const REEXPORT_HOPS_MAX: usize = 8;

/// The module path of a file below its crate's source root, or `None` for a binary's root
/// (`main.rs`, `bin/*`), which is a crate of its own.
pub fn module_path(within_root: &str) -> Option<Vec<String>> {
    let without_extension = within_root.strip_suffix(".rs")?;
    let mut segments: Vec<String> = without_extension.split('/').map(str::to_owned).collect();
    if segments.first().is_some_and(|first| first == "bin") || within_root == "main.rs" {
        return None;
    }
    if segments.len() == 1 && segments[0] == "lib" {
        return Some(Vec::new());
    }
    if segments.last().is_some_and(|last| last == "mod") {
        segments.pop();
    }
    Some(segments)
}

impl CrateModules {
    /// Builds the tree from the files below `source_root` (e.g. `src`, `crates/domain/src`).
    pub fn new(source_root: &str, sources: Vec<SourceFile>) -> Self {
        let prefix = format!("{source_root}/");
        let mut files = Vec::new();
        for source in sources {
            let Some(within_root) = source.relative.strip_prefix(&prefix) else {
                continue;
            };
            let Some(module) = module_path(within_root) else {
                continue;
            };
            files.push(ModuleFile {
                relative: source.relative.clone(),
                module,
                scanned: scan(&source.text),
                aliases: HashMap::new(),
            });
        }
        let by_module = files
            .iter()
            .enumerate()
            .map(|(index, file)| (file.module.clone(), index))
            .collect();
        let mut modules = Self { files, by_module };
        for index in 0..modules.files.len() {
            let mut aliases = HashMap::new();
            for reference in &modules.files[index].scanned.references {
                if let (true, Some(alias)) = (reference.is_use, &reference.alias) {
                    let target = modules.resolve(&modules.files[index], &aliases, reference);
                    aliases.insert(alias.clone(), target);
                }
            }
            modules.files[index].aliases = aliases;
        }
        modules
    }

    /// The crate-absolute path (without `crate`) a reference names, when it is inside the crate.
    fn resolve(
        &self,
        file: &ModuleFile,
        aliases: &HashMap<String, Option<Vec<String>>>,
        reference: &Reference,
    ) -> Option<Vec<String>> {
        let mut here = file.module.clone();
        here.extend(reference.inline_module.iter().cloned());
        let segments = &reference.segments;
        let first = segments.first()?;
        let mut absolute = match first.as_str() {
            "crate" => Vec::new(),
            "self" => here,
            "super" => {
                let mut base = here;
                for _ in segments.iter().take_while(|segment| *segment == "super") {
                    base.pop()?;
                }
                base
            }
            _ => {
                if let Some(target) = aliases.get(first) {
                    let mut absolute = target.clone()?;
                    absolute.extend(segments[1..].iter().cloned());
                    return Some(absolute);
                }
                let mut child = here.clone();
                child.push(first.clone());
                if !self.by_module.contains_key(&child) {
                    return None;
                }
                here.extend(segments.iter().cloned());
                return Some(here);
            }
        };
        let skip = match first.as_str() {
            "super" => segments
                .iter()
                .take_while(|segment| *segment == "super")
                .count(),
            _ => 1,
        };
        absolute.extend(segments[skip..].iter().cloned());
        Some(absolute)
    }

    /// The file that defines (or, through re-exports, provides) what an absolute path names:
    /// the deepest module file on the path, then through that file's `use` of the next segment.
    pub fn file_of(&self, absolute: &[String]) -> Option<usize> {
        let mut path = absolute.to_vec();
        let mut found = None;
        for _ in 0..REEXPORT_HOPS_MAX {
            let (index, depth) = (0..=path.len()).rev().find_map(|depth| {
                self.by_module
                    .get(&path[..depth])
                    .map(|&index| (index, depth))
            })?;
            found = Some(index);
            let Some(next) = path.get(depth) else {
                break;
            };
            match self.files[index].aliases.get(next) {
                Some(Some(target)) if target.as_slice() != &path[..=depth] => {
                    let mut followed = target.clone();
                    followed.extend(path[depth + 1..].iter().cloned());
                    path = followed;
                }
                _ => break,
            }
        }
        found
    }

    /// Every reference of every file resolved to the file it reaches, other than itself:
    /// (from, to) → the first line where `from` names `to`.
    pub fn edges(&self) -> BTreeMap<(usize, usize), Edge> {
        let mut edges = BTreeMap::new();
        for (from, file) in self.files.iter().enumerate() {
            for reference in &file.scanned.references {
                let Some(absolute) = self.resolve(file, &file.aliases, reference) else {
                    continue;
                };
                let Some(to) = self.file_of(&absolute) else {
                    continue;
                };
                if to != from {
                    let edge = edges.entry((from, to)).or_insert(Edge {
                        line: reference.line,
                    });
                    edge.line = edge.line.min(reference.line);
                }
            }
        }
        edges
    }

    /// Each reference of a file with the crate-absolute path it resolves to.
    pub fn resolved<'a>(
        &'a self,
        file: &'a ModuleFile,
    ) -> impl Iterator<Item = (&'a Reference, Vec<String>)> + 'a {
        file.scanned.references.iter().filter_map(move |reference| {
            self.resolve(file, &file.aliases, reference)
                .map(|absolute| (reference, absolute))
        })
    }

    /// Pairs of files that name each other, except a module and one of its descendants (a
    /// `mod.rs` declares and re-exports its children, and children use their parent's shared
    /// items; that is how Rust modules are built, not a tangle between peers).
    pub fn mutual_pairs(&self) -> Vec<String> {
        let edges = self.edges();
        let mut pairs = Vec::new();
        for (&(from, to), edge) in &edges {
            if from >= to {
                continue;
            }
            let Some(back) = edges.get(&(to, from)) else {
                continue;
            };
            let (a, b) = (&self.files[from].module, &self.files[to].module);
            if a.starts_with(b) || b.starts_with(a) {
                continue;
            }
            pairs.push(format!(
                "{}:{} <-> {}:{}",
                self.files[from].relative, edge.line, self.files[to].relative, back.line
            ));
        }
        pairs
    }
}
