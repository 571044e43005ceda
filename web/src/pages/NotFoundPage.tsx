export function NotFoundPage() {
  return (
    <div className="center-page">
      <div className="card narrow">
        <h1>Page not found</h1>
        <p>There is nothing at this address. <a href="#/">Back to the dashboard</a></p>
      </div>
    </div>
  );
}
