"""The programmes' workflow definitions, one module each (see portal.workflow). Every module of this
package is loaded; a definition imports no model."""
